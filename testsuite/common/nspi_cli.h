/*
 * OpenChange test tools: connecting an NSPI client from command-line
 * options, shared by the integration check program and the benchmark.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TESTSUITE_NSPI_CLI_H
#define TESTSUITE_NSPI_CLI_H

#include "libmapi/nspi_client.h"

struct nspi_cli_options {
	const char *server;	/* address or host name */
	const char *user;
	const char *password;
	const char *domain;
	bool seal;
	uint32_t code_page;
};

/*
 * Takes --server, --user, --password, --domain, --seal, --code-page from
 * argv and moves the other arguments to the front; returns their count, or
 * -1 after printing why.
 */
int nspi_cli_parse(int argc, char **argv, struct nspi_cli_options *opts);

/* Connects and binds; prints the reason and returns NULL on failure. */
struct nspi_client *nspi_cli_connect(TALLOC_CTX *mem_ctx, const struct nspi_cli_options *opts);

#endif
