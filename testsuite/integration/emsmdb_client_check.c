/*
 * OpenChange: EMSMDB as libmapi's client sees it, for the integration tests.
 *
 *   emsmdb_client_check CONNECTION connect DN [--connect-flags N] [--version A.B.C]
 *       [--aux-in HEX] EcDoConnectEx (rgbAuxIn as given); prints "result 0x..." and, on success, the session's
 *       facts one per line ("polls_max N", "server_version A B C", ...),
 *       then EcDummyRpc ("dummy 0x...") and EcDoDisconnect ("disconnect 0x...")
 *   emsmdb_client_check CONNECTION rops DN HEX [--flags N] [--options N] [--max-out N]
 *       the ROP input buffer HEX through EcDoRpcExt2 (request framed with
 *       --options: 1 compress, 2 XorMagic); prints "result", "reply HEX",
 *       "reply_flags N", then proves the session alive with an empty ROP
 *       buffer ("alive 0x...")
 *   emsmdb_client_check CONNECTION session DN [--options N] [--max-out N]
 *       one session for many calls: reads lines from stdin, "HEX" (a ROP
 *       input buffer, sent through EcDoRpcExt2) or "quit"; answers each
 *       with one line "result 0x... HEX" (HEX: the ROP output buffer, empty
 *       on failure) and flushes, so a test drives the session step by step
 *       and handles stay valid between calls
 *   emsmdb_client_check CONNECTION raw DN HEX [--max-out N]
 *       rgbIn given whole; prints "result" and "cb_out", then "alive 0x..."
 *   emsmdb_client_check CONNECTION stale DN
 *       disconnects, then uses the old handle: "rpc <status>", "disconnect <status>"
 *   emsmdb_client_check CONNECTION sessions DN N
 *       up to N sessions on one connection: "opened K", "result 0x..." of the
 *       first refusal (or 0)
 *   emsmdb_client_check CONNECTION clients DN N
 *       up to N connections with one session each, all kept open: "opened K",
 *       "result 0x..." of the first refusal (or 0)
 *   emsmdb_client_check CONNECTION push DN
 *       EcRRegisterPushNotification: "result 0x..."
 *   emsmdb_client_check CONNECTION opnum DN N
 *       calls reserved opnum N: "status <NTSTATUS>"
 *   emsmdb_client_check CONNECTION async DN [--disconnect]
 *       EcDoAsyncConnectEx then EcDoAsyncWaitEx: "wait 0x... flags N
 *       seconds S"; with --disconnect the session is disconnected while the
 *       wait is outstanding; with --drop the client closes the AsyncEMSMDB
 *       connection under its wait, then disconnects the session
 *
 * CONNECTION: --server ADDR --user U --password P [--domain D] [--seal].
 * --flags is EcDoRpcExt2's pulFlags, --connect-flags EcDoConnectEx's ulFlags.
 * A server's ecRpcFailed has the value of MAPI_E_NETWORK_ERROR: last_status
 * tells it from a transport failure.
 * Exit status 0 when every call reached the server and got an answer.
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
#include <util/time.h>

#include "libmapi/emsmdb_client.h"
#include "libmapi/rpc_ext.h"
#include "idl/gen_ndr_emsmdb.h"
#include "testsuite/common/nspi_cli.h"

struct check {
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct loadparm_context *lp_ctx;
	struct cli_credentials *creds;
	const char *binding;
	uint32_t flags, options, max_out;
	struct emsmdb_connect_params params;
	bool disconnect;
	bool drop;
};

static uint8_t *from_hex(TALLOC_CTX *mem_ctx, const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2, i;
	uint8_t *out = talloc_array(mem_ctx, uint8_t, n ? n : 1);

	for (i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
			return NULL;
		}
		out[i] = (uint8_t)v;
	}
	*len = n;
	return out;
}

static void print_hex(const char *label, const uint8_t *data, size_t len)
{
	size_t i;

	printf("%s ", label);
	for (i = 0; i < len; i++) {
		printf("%02x", data[i]);
	}
	printf("\n");
}

static struct emsmdb_client *open_session(struct check *c, const char *dn, enum MAPISTATUS *ret)
{
	struct emsmdb_client *client = NULL;

	*ret = emsmdb_client_connect(c->mem_ctx, c->ev, c->lp_ctx, c->binding, c->creds, dn, &c->params,
				     &client);
	return client;
}

/* EcDoRpcExt2 with an empty ROP buffer: the session still answers */
static void prove_alive(struct emsmdb_client *client)
{
	static const uint8_t empty[2] = { 0x02, 0x00 };
	uint8_t *reply;
	size_t reply_len;
	enum MAPISTATUS ret = emsmdb_client_rpc(client, client, empty, sizeof(empty), 0, 0, 0,
						&reply, &reply_len, NULL);

	printf("alive 0x%08x\n", ret);
}

static int do_connect(struct check *c, const char *dn)
{
	enum MAPISTATUS ret;
	struct emsmdb_client *client = open_session(c, dn, &ret);

	if (client == NULL || (ret == MAPI_E_NETWORK_ERROR && client->last_error != NULL)) {
		fprintf(stderr, "%s\n", client != NULL ? client->last_error : "no memory");
		return 1;
	}
	printf("result 0x%08x\n", ret);
	printf("server_version %u %u %u\n", client->server_version[0], client->server_version[1],
	       client->server_version[2]);
	printf("best_version %u %u %u\n", client->best_version[0], client->best_version[1],
	       client->best_version[2]);
	if (ret != MAPI_E_SUCCESS) {
		return 0;
	}
	printf("polls_max %u\nretry_count %u\nretry_delay %u\nsession_index %u\ntime_stamp %u\n",
	       client->polls_max, client->retry_count, client->retry_delay, client->session_index,
	       client->time_stamp);
	printf("dn_prefix %s\ndisplay_name %s\n", client->dn_prefix ? client->dn_prefix : "(null)",
	       client->display_name ? client->display_name : "(null)");
	print_hex("aux_out", client->aux_out, client->aux_out_len);
	printf("dummy 0x%08x\n", emsmdb_client_dummy_rpc(client));
	printf("disconnect 0x%08x\n", emsmdb_client_disconnect(client));
	return 0;
}

static int do_rops(struct check *c, const char *dn, const char *hex)
{
	enum MAPISTATUS ret;
	struct emsmdb_client *client = open_session(c, dn, &ret);
	uint8_t *rops, *reply = NULL;
	size_t rops_len, reply_len = 0;
	uint16_t reply_flags = 0;

	if (ret != MAPI_E_SUCCESS) {
		fprintf(stderr, "connect: %s %s\n", mapi_errstr(ret), client ? client->last_error : "");
		return 1;
	}
	rops = from_hex(c->mem_ctx, hex, &rops_len);
	if (rops == NULL) {
		fprintf(stderr, "bad hex\n");
		return 1;
	}
	ret = emsmdb_client_rpc(client, c->mem_ctx, rops, rops_len, c->options, c->flags, c->max_out,
				&reply, &reply_len, &reply_flags);
	if (ret == MAPI_E_NETWORK_ERROR && !NT_STATUS_IS_OK(client->last_status)) {
		fprintf(stderr, "%s\n", client->last_error);
		return 1;
	}
	printf("result 0x%08x\n", ret);
	print_hex("reply", reply, reply_len);
	printf("reply_flags %u\n", reply_flags);
	prove_alive(client);
	return 0;
}

static int do_session(struct check *c, const char *dn)
{
	enum MAPISTATUS ret;
	struct emsmdb_client *client = open_session(c, dn, &ret);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (ret != MAPI_E_SUCCESS) {
		fprintf(stderr, "connect: %s %s\n", mapi_errstr(ret), client ? client->last_error : "");
		return 1;
	}
	printf("connected\n");
	fflush(stdout);
	while ((n = getline(&line, &cap, stdin)) > 0) {
		TALLOC_CTX *tmp = talloc_new(c->mem_ctx);
		uint8_t *rops, *reply = NULL;
		size_t rops_len, reply_len = 0;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
			line[--n] = '\0';
		}
		if (strcmp(line, "quit") == 0) {
			talloc_free(tmp);
			break;
		}
		rops = from_hex(tmp, line, &rops_len);
		if (rops == NULL || (size_t)n != 2 * rops_len) {
			fprintf(stderr, "bad hex\n");
			free(line);
			return 1;
		}
		ret = emsmdb_client_rpc(client, tmp, rops, rops_len, c->options, c->flags, c->max_out,
					&reply, &reply_len, NULL);
		if (ret == MAPI_E_NETWORK_ERROR && !NT_STATUS_IS_OK(client->last_status)) {
			fprintf(stderr, "%s\n", client->last_error);
			free(line);
			return 1;
		}
		printf("result 0x%08x ", ret);
		print_hex("", reply, reply_len);
		fflush(stdout);
		talloc_free(tmp);
	}
	free(line);
	printf("disconnect 0x%08x\n", emsmdb_client_disconnect(client));
	return 0;
}

static int do_raw(struct check *c, const char *dn, const char *hex)
{
	enum MAPISTATUS ret;
	struct emsmdb_client *client = open_session(c, dn, &ret);
	uint8_t *in, *out = NULL;
	size_t in_len;
	uint32_t out_len = 0;

	if (ret != MAPI_E_SUCCESS) {
		fprintf(stderr, "connect: %s\n", mapi_errstr(ret));
		return 1;
	}
	in = from_hex(c->mem_ctx, hex, &in_len);
	ret = emsmdb_client_rpc_raw(client, c->mem_ctx, &client->handle, c->flags, in, (uint32_t)in_len,
				    c->max_out ? c->max_out : 0x40000, &out, &out_len);
	if (ret == MAPI_E_NETWORK_ERROR && !NT_STATUS_IS_OK(client->last_status)) {
		printf("status %s\n", nt_errstr(client->last_status));
	} else {
		printf("result 0x%08x\n", ret);
		printf("cb_out %u\n", out_len);
	}
	prove_alive(client);
	return 0;
}

static int do_stale(struct check *c, const char *dn)
{
	enum MAPISTATUS ret;
	struct emsmdb_client *client = open_session(c, dn, &ret);
	struct policy_handle old;
	uint8_t *out = NULL;
	uint32_t out_len = 0;
	static const uint8_t empty[] = { 0x00, 0x00, 0x04, 0x00, 0x02, 0x00, 0x02, 0x00, 0x02, 0x00 };

	if (ret != MAPI_E_SUCCESS) {
		fprintf(stderr, "connect: %s\n", mapi_errstr(ret));
		return 1;
	}
	old = client->handle;
	printf("disconnect 0x%08x\n", emsmdb_client_disconnect(client));
	ret = emsmdb_client_rpc_raw(client, c->mem_ctx, &old, 0, empty, sizeof(empty), 0x8000, &out, &out_len);
	printf("rpc %s\n", ret == MAPI_E_NETWORK_ERROR ? nt_errstr(client->last_status) : mapi_errstr(ret));
	ret = emsmdb_client_disconnect_handle(client, &old);
	printf("disconnect-again %s\n", ret == MAPI_E_NETWORK_ERROR ? nt_errstr(client->last_status) :
	       mapi_errstr(ret));
	printf("dummy 0x%08x\n", emsmdb_client_dummy_rpc(client));
	return 0;
}

static int do_sessions(struct check *c, const char *dn, int n)
{
	enum MAPISTATUS ret;
	struct emsmdb_client *client = open_session(c, dn, &ret);
	int opened = 1;

	if (ret != MAPI_E_SUCCESS) {
		fprintf(stderr, "connect: %s\n", mapi_errstr(ret));
		return 1;
	}
	ret = MAPI_E_SUCCESS;
	while (opened < n) {
		struct policy_handle h;

		ret = emsmdb_client_connect_again(client, dn, &c->params, &h);
		if (ret != MAPI_E_SUCCESS) {
			break;
		}
		opened++;
	}
	printf("opened %d\nresult 0x%08x\n", opened, ret);
	return ret == MAPI_E_NETWORK_ERROR ? 1 : 0;
}

static int do_clients(struct check *c, const char *dn, int n)
{
	enum MAPISTATUS ret = MAPI_E_SUCCESS;
	int opened = 0;

	while (opened < n) {
		struct emsmdb_client *client = open_session(c, dn, &ret);

		if (ret != MAPI_E_SUCCESS) {
			if (ret == MAPI_E_NETWORK_ERROR && client != NULL &&
			    !NT_STATUS_IS_OK(client->last_status)) {
				fprintf(stderr, "%s\n", client->last_error);
				return 1;
			}
			break;
		}
		opened++;
	}
	printf("opened %d\nresult 0x%08x\n", opened, ret);
	return 0;
}

static int do_push(struct check *c, const char *dn)
{
	enum MAPISTATUS ret;
	struct emsmdb_client *client = open_session(c, dn, &ret);
	struct EcRRegisterPushNotification r;
	struct policy_handle h;
	uint8_t context[16] = { 1, 2, 3 };
	uint8_t address[16] = { 0x02, 0x00, 0x12, 0x34, 127, 0, 0, 1 };	/* sockaddr_in */
	uint32_t notification = 0;
	NTSTATUS status;

	if (ret != MAPI_E_SUCCESS) {
		fprintf(stderr, "connect: %s\n", mapi_errstr(ret));
		return 1;
	}
	h = client->handle;
	memset(&r, 0, sizeof(r));
	r.in.pcxh = &h;
	r.in.iRpc = 0;
	r.in.rgbContext = context;
	r.in.cbContext = sizeof(context);
	r.in.grbitAdviseBits = 0xFFFFFFFF;
	r.in.rgbCallbackAddress = address;
	r.in.cbCallbackAddress = sizeof(address);
	r.out.pcxh = &h;
	r.out.hNotification = &notification;
	status = dcerpc_binding_handle_call(client->pipe->binding_handle, NULL, &ndr_table_emsmdb,
					    NDR_ECRREGISTERPUSHNOTIFICATION, c->mem_ctx, &r);
	if (!NT_STATUS_IS_OK(status)) {
		fprintf(stderr, "%s\n", nt_errstr(status));
		return 1;
	}
	printf("result 0x%08x\n", r.out.result);
	return 0;
}

static int do_opnum(struct check *c, const char *dn, int opnum)
{
	enum MAPISTATUS ret;
	struct emsmdb_client *client = open_session(c, dn, &ret);
	uint8_t scratch[64];
	NTSTATUS status;

	if (ret != MAPI_E_SUCCESS) {
		fprintf(stderr, "connect: %s\n", mapi_errstr(ret));
		return 1;
	}
	memset(scratch, 0, sizeof(scratch));	/* the reserved opnums have no parameters */
	status = dcerpc_binding_handle_call(client->pipe->binding_handle, NULL, &ndr_table_emsmdb,
					    (uint32_t)opnum, c->mem_ctx, scratch);
	printf("status %s\n", nt_errstr(status));
	printf("dummy 0x%08x\n", emsmdb_client_dummy_rpc(client));
	return 0;
}

struct wait_state {
	struct EcDoAsyncWaitEx r;
	uint32_t flags_out;
	bool done;
	NTSTATUS status;
};

static void wait_done(struct tevent_req *req)
{
	struct wait_state *w = tevent_req_callback_data(req, struct wait_state);

	w->status = dcerpc_binding_handle_call_recv(req);
	w->done = true;
	talloc_free(req);
}

static void wake_up(struct tevent_context *ev, struct tevent_timer *te, struct timeval now, void *data)
{
	*(bool *)data = true;
}

static int do_async(struct check *c, const char *dn)
{
	enum MAPISTATUS ret;
	struct emsmdb_client *client = open_session(c, dn, &ret);
	struct policy_handle acxh;
	struct dcerpc_pipe *async_pipe = NULL;
	struct wait_state *w;
	struct tevent_req *req;
	struct timeval started;
	NTSTATUS status;

	if (ret != MAPI_E_SUCCESS) {
		fprintf(stderr, "connect: %s\n", mapi_errstr(ret));
		return 1;
	}
	ret = emsmdb_client_async_connect(client, &acxh);
	printf("async_connect 0x%08x\n", ret);
	if (ret != MAPI_E_SUCCESS) {
		return ret == MAPI_E_NETWORK_ERROR;
	}
	status = dcerpc_pipe_connect(c->mem_ctx, &async_pipe, c->binding, &ndr_table_asyncemsmdb, c->creds,
				     c->ev, c->lp_ctx);
	if (!NT_STATUS_IS_OK(status)) {
		fprintf(stderr, "AsyncEMSMDB: %s\n", nt_errstr(status));
		return 1;
	}
	dcerpc_binding_handle_set_timeout(async_pipe->binding_handle, 600);
	w = talloc_zero(c->mem_ctx, struct wait_state);
	w->r.in.acxh = acxh;
	w->r.out.pulFlagsOut = &w->flags_out;
	started = timeval_current();
	req = dcerpc_binding_handle_call_send(w, c->ev, async_pipe->binding_handle, NULL,
					      &ndr_table_asyncemsmdb, NDR_ECDOASYNCWAITEX, w, &w->r);
	tevent_req_set_callback(req, wait_done, w);
	if (c->drop) {
		/* the client goes away in the middle of its wait, then ends the session */
		bool woken = false;

		tevent_add_timer(c->ev, w, timeval_current_ofs_msec(300), wake_up, &woken);
		while (!w->done && !woken) {
			tevent_loop_once(c->ev);
		}
		talloc_free(req);
		TALLOC_FREE(async_pipe);
		printf("dropped %s\n", w->done ? "late" : "while waiting");
		printf("disconnect 0x%08x\n", emsmdb_client_disconnect(client));
		printf("dummy 0x%08x\n", emsmdb_client_dummy_rpc(client));
		return 0;
	}
	if (c->disconnect) {
		/* let the wait reach the server, then end the session under it */
		bool woken = false;

		tevent_add_timer(c->ev, w, timeval_current_ofs_msec(300), wake_up, &woken);
		while (!w->done && !woken) {
			tevent_loop_once(c->ev);
		}
		printf("disconnect 0x%08x\n", emsmdb_client_disconnect(client));
	}
	while (!w->done) {
		tevent_loop_once(c->ev);
	}
	if (!NT_STATUS_IS_OK(w->status)) {
		fprintf(stderr, "EcDoAsyncWaitEx: %s\n", nt_errstr(w->status));
		return 1;
	}
	printf("wait 0x%08x flags %u seconds %.2f\n", w->r.out.result, w->flags_out,
	       timeval_elapsed(&started));
	return 0;
}

static bool version_arg(const char *text, uint16_t wire[3])
{
	unsigned a, b, cc;

	if (sscanf(text, "%u.%u.%u", &a, &b, &cc) != 3) {
		return false;
	}
	wire[0] = (uint16_t)a;
	wire[1] = (uint16_t)b;
	wire[2] = (uint16_t)cc;
	return true;
}

int main(int argc, char **argv)
{
	struct nspi_cli_options opts;
	struct check c;
	int rest, i, kept = 1;

	memset(&c, 0, sizeof(c));
	c.mem_ctx = talloc_new(NULL);
	emsmdb_connect_params_default(&c.params);
	rest = nspi_cli_parse(argc, argv, &opts);
	if (rest < 0) {
		return 2;
	}
	/* our own options */
	for (i = 1; i < rest; i++) {
		if (i + 1 < rest && strcmp(argv[i], "--flags") == 0) {
			c.flags = (uint32_t)strtoul(argv[++i], NULL, 0);
		} else if (i + 1 < rest && strcmp(argv[i], "--connect-flags") == 0) {
			c.params.flags = (uint32_t)strtoul(argv[++i], NULL, 0);
		} else if (i + 1 < rest && strcmp(argv[i], "--options") == 0) {
			c.options = (uint32_t)strtoul(argv[++i], NULL, 0);
		} else if (i + 1 < rest && strcmp(argv[i], "--max-out") == 0) {
			c.max_out = (uint32_t)strtoul(argv[++i], NULL, 0);
		} else if (i + 1 < rest && strcmp(argv[i], "--version") == 0) {
			if (!version_arg(argv[++i], c.params.client_version)) {
				fprintf(stderr, "--version wants three 16-bit words A.B.C\n");
				return 2;
			}
		} else if (i + 1 < rest && strcmp(argv[i], "--aux-in") == 0) {
			size_t len = 0;

			c.params.aux_in = from_hex(c.mem_ctx, argv[++i], &len);
			c.params.aux_in_len = (uint32_t)len;
		} else if (strcmp(argv[i], "--disconnect") == 0) {
			c.disconnect = true;
		} else if (strcmp(argv[i], "--drop") == 0) {
			c.drop = true;
		} else {
			argv[kept++] = argv[i];
		}
	}
	rest = kept;
	if (rest < 3) {
		fprintf(stderr, "usage: see the comment at the top of emsmdb_client_check.c\n");
		return 2;
	}
	dcerpc_init();
	c.ev = tevent_context_init(c.mem_ctx);
	c.lp_ctx = loadparm_init_global(false);
	c.creds = cli_credentials_init(c.mem_ctx);
	c.binding = talloc_asprintf(c.mem_ctx, "ncacn_ip_tcp:%s[%s]", opts.server, opts.seal ? "seal" : "sign");
	cli_credentials_set_conf(c.creds, c.lp_ctx);
	cli_credentials_set_username(c.creds, opts.user, CRED_SPECIFIED);
	cli_credentials_set_password(c.creds, opts.password, CRED_SPECIFIED);
	if (opts.domain != NULL) {
		cli_credentials_set_domain(c.creds, opts.domain, CRED_SPECIFIED);
	}
	cli_credentials_set_kerberos_state(c.creds, CRED_USE_KERBEROS_DISABLED, CRED_SPECIFIED);

	if (strcmp(argv[1], "connect") == 0) {
		return do_connect(&c, argv[2]);
	} else if (strcmp(argv[1], "rops") == 0 && rest >= 4) {
		return do_rops(&c, argv[2], argv[3]);
	} else if (strcmp(argv[1], "session") == 0) {
		return do_session(&c, argv[2]);
	} else if (strcmp(argv[1], "raw") == 0 && rest >= 4) {
		return do_raw(&c, argv[2], argv[3]);
	} else if (strcmp(argv[1], "stale") == 0) {
		return do_stale(&c, argv[2]);
	} else if (strcmp(argv[1], "sessions") == 0 && rest >= 4) {
		return do_sessions(&c, argv[2], atoi(argv[3]));
	} else if (strcmp(argv[1], "clients") == 0 && rest >= 4) {
		return do_clients(&c, argv[2], atoi(argv[3]));
	} else if (strcmp(argv[1], "push") == 0) {
		return do_push(&c, argv[2]);
	} else if (strcmp(argv[1], "opnum") == 0 && rest >= 4) {
		return do_opnum(&c, argv[2], atoi(argv[3]));
	} else if (strcmp(argv[1], "async") == 0) {
		return do_async(&c, argv[2]);
	}
	fprintf(stderr, "unknown command %s\n", argv[1]);
	return 2;
}
