/*
 * OpenChange test tools: connecting an NSPI client from command-line options.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <tevent.h>
#include <param.h>
#include <credentials.h>
#include <dcerpc.h>

#include "testsuite/common/nspi_cli.h"

int nspi_cli_parse(int argc, char **argv, struct nspi_cli_options *opts)
{
	int i, rest = 1;

	*opts = (struct nspi_cli_options) { .code_page = 1252 };
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char **slot = NULL;

		if (strcmp(arg, "--server") == 0) {
			slot = &opts->server;
		} else if (strcmp(arg, "--user") == 0) {
			slot = &opts->user;
		} else if (strcmp(arg, "--password") == 0) {
			slot = &opts->password;
		} else if (strcmp(arg, "--domain") == 0) {
			slot = &opts->domain;
		} else if (strcmp(arg, "--seal") == 0) {
			opts->seal = true;
			continue;
		} else if (strcmp(arg, "--code-page") == 0) {
			char *end;

			if (i + 1 == argc) {
				fprintf(stderr, "--code-page needs a value\n");
				return -1;
			}
			opts->code_page = (uint32_t)strtoul(argv[++i], &end, 0);
			if (*end != '\0') {
				fprintf(stderr, "--code-page '%s' is not a number\n", argv[i]);
				return -1;
			}
			continue;
		} else {
			argv[rest++] = argv[i];
			continue;
		}
		if (i + 1 == argc) {
			fprintf(stderr, "%s needs a value\n", arg);
			return -1;
		}
		*slot = argv[++i];
	}
	if (opts->server == NULL || opts->user == NULL || opts->password == NULL) {
		fprintf(stderr, "--server, --user and --password are required\n");
		return -1;
	}
	return rest;
}

struct nspi_client *nspi_cli_connect(TALLOC_CTX *mem_ctx, const struct nspi_cli_options *opts)
{
	struct tevent_context *ev;
	struct loadparm_context *lp_ctx;
	struct cli_credentials *creds;
	struct nspi_client *nspi = NULL;
	enum MAPISTATUS ret;
	char *binding;

	dcerpc_init();
	ev = tevent_context_init(mem_ctx);
	lp_ctx = loadparm_init_global(false);
	creds = cli_credentials_init(mem_ctx);
	binding = talloc_asprintf(mem_ctx, "ncacn_ip_tcp:%s[%s]", opts->server,
				  opts->seal ? "seal" : "sign");
	if (ev == NULL || lp_ctx == NULL || creds == NULL || binding == NULL) {
		fprintf(stderr, "out of memory\n");
		return NULL;
	}
	cli_credentials_set_conf(creds, lp_ctx);
	cli_credentials_set_username(creds, opts->user, CRED_SPECIFIED);
	cli_credentials_set_password(creds, opts->password, CRED_SPECIFIED);
	if (opts->domain != NULL) {
		cli_credentials_set_domain(creds, opts->domain, CRED_SPECIFIED);
	}
	/* NTLM: the test beds have no DNS for Kerberos to find the KDC by */
	cli_credentials_set_kerberos_state(creds, CRED_USE_KERBEROS_DISABLED, CRED_SPECIFIED);

	ret = nspi_client_connect(mem_ctx, ev, lp_ctx, binding, creds, opts->code_page, &nspi);
	if (ret != MAPI_E_SUCCESS) {
		fprintf(stderr, "NSPI connect to %s failed: %s%s%s\n", binding, mapi_errstr(ret),
			nspi != NULL && nspi->last_error != NULL ? ": " : "",
			nspi != NULL && nspi->last_error != NULL ? nspi->last_error : "");
		talloc_free(nspi);
		return NULL;
	}
	return nspi;
}
