/*
 * mapitest: checks an Exchange-compatible server family by family.
 *
 * The options, the connection every family shares (who the user is and
 * where their mailbox lives, found the way a MAPI client finds them: the
 * address book and the referral service), the run loop and its output.
 * The tests are in one file per family (mt_*.c); mapitest.h says what a
 * test is.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <talloc.h>
#include <tevent.h>
#include <param.h>
#include <credentials.h>
#include <dcerpc.h>
#include <util/debug.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/profile.h"
#include "libmapi/profile_nspi.h"

#define EXIT_FAILED 1	/* a test failed, or the server could not be used */
#define EXIT_USAGE 2	/* bad options */

static const struct mt_family *const families[] = {
	&mt_family_noserver, &mt_family_lz77, &mt_family_oxcrpc, &mt_family_rfr,
	&mt_family_nspi, &mt_family_oxcstor, &mt_family_errorchecks, &mt_family_oxcfold,
	&mt_family_oxctabl, &mt_family_oxcmsg, &mt_family_oxcprpt,
	&mt_family_oxcrops,
	&mt_family_oxcnotif, &mt_family_oxcfxics, &mt_family_oxcperm, &mt_family_oxorule,
	&mt_family_oxomsg,
};

static const char usage_text[] =
"usage: mapitest [options]\n"
"\n"
"Checks a server against the Exchange protocol documents, family by family.\n"
"\n"
"Selecting:\n"
"  --list                 list the families and tests (with --format json: one\n"
"                         object per test) and exit\n"
"  --family NAME          run the tests of family NAME (repeatable; default: all)\n"
"  --test NAME            run the test NAME or FAMILY/NAME only (repeatable)\n"
"\n"
"Connecting (not needed for NOSERVER and LZ77):\n"
"  --profile NAME         log on as the user of profile NAME\n"
"  --profile-file PATH    the profile store (default ~/.openchange/profiles.ldb)\n"
"  --server SERVER        the server's address or host name\n"
"  --user USER            the account to log on as\n"
"  --password PASS        its password (with --profile: when the profile keeps none)\n"
"  --domain DOMAIN        the NetBIOS domain of the account\n"
"  --seal                 seal (encrypt) the connections instead of signing them\n"
"  --other-user USER      a second mailbox user, for the tests of other users'\n"
"                         mailboxes (skipped without it)\n"
"  --other-password PASS  that user's password (checks their own logon too)\n"
"\n"
"Output:\n"
"  --format text|json     text (default), or one JSON object per test per line\n"
"  --debug                also show the RPC library's own messages on stderr\n"
"  --help                 this text\n"
"\n"
"The output ends with the line 'N passed, N failed' (skips are counted on the\n"
"line before it).  Exit status: 0 nothing failed, 1 a test failed or the server\n"
"could not be used (the reason is on stderr), 2 bad usage.\n";

struct options {
	bool list;
	bool json;
	bool seal;
	bool debug;
	const char **families;
	size_t family_count;
	const char **tests;
	size_t test_count;
	const char *profile;
	const char *profile_file;
	const char *server;
	const char *user;
	const char *password;
	const char *domain;
	const char *other_user;
	const char *other_password;
};

enum long_only {
	OPT_LIST = 256, OPT_FAMILY, OPT_TEST, OPT_PROFILE, OPT_PROFILE_FILE, OPT_SERVER, OPT_USER,
	OPT_PASSWORD, OPT_DOMAIN, OPT_SEAL, OPT_OTHER_USER, OPT_OTHER_PASSWORD, OPT_FORMAT,
	OPT_DEBUG, OPT_HELP,
};

static const struct option long_options[] = {
	{ "list", no_argument, NULL, OPT_LIST },
	{ "family", required_argument, NULL, OPT_FAMILY },
	{ "test", required_argument, NULL, OPT_TEST },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "profile-file", required_argument, NULL, OPT_PROFILE_FILE },
	{ "server", required_argument, NULL, OPT_SERVER },
	{ "user", required_argument, NULL, OPT_USER },
	{ "password", required_argument, NULL, OPT_PASSWORD },
	{ "domain", required_argument, NULL, OPT_DOMAIN },
	{ "seal", no_argument, NULL, OPT_SEAL },
	{ "other-user", required_argument, NULL, OPT_OTHER_USER },
	{ "other-password", required_argument, NULL, OPT_OTHER_PASSWORD },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static int usage_error(const char *fmt, const char *arg)
{
	fputs("mapitest: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(mapitest --help for usage)\n", stderr);
	return EXIT_USAGE;
}

static const struct mt_family *find_family(const char *name)
{
	size_t i;

	for (i = 0; i < MT_COUNT(families); i++) {
		if (strcasecmp(families[i]->name, name) == 0) {
			return families[i];
		}
	}
	return NULL;
}

/* "name" or "FAMILY/name" names this test */
static bool test_named(const struct mt_family *family, const struct mt_test_def *test,
		       const char *name)
{
	const char *slash = strchr(name, '/');

	if (slash == NULL) {
		return strcmp(test->name, name) == 0;
	}
	return strlen(family->name) == (size_t)(slash - name) &&
		strncasecmp(family->name, name, (size_t)(slash - name)) == 0 &&
		strcmp(test->name, slash + 1) == 0;
}

static bool selected(const struct options *opt, const struct mt_family *family,
		     const struct mt_test_def *test)
{
	size_t i;
	bool family_ok = opt->family_count == 0;

	for (i = 0; i < opt->family_count; i++) {
		if (strcasecmp(opt->families[i], family->name) == 0) {
			family_ok = true;
		}
	}
	if (!family_ok) {
		return false;
	}
	if (opt->test_count == 0) {
		return true;
	}
	for (i = 0; i < opt->test_count; i++) {
		if (test_named(family, test, opt->tests[i])) {
			return true;
		}
	}
	return false;
}

static bool append(TALLOC_CTX *mem_ctx, const char ***list, size_t *count, const char *value)
{
	const char **grown = talloc_realloc(mem_ctx, *list, const char *, *count + 1);

	if (grown == NULL) {
		return false;
	}
	grown[(*count)++] = value;
	*list = grown;
	return true;
}

/* 0, EXIT_USAGE, or -1 after --help */
static int parse_options(TALLOC_CTX *mem_ctx, int argc, char **argv, struct options *opt)
{
	size_t i, j, k;
	int c;

	*opt = (struct options) { .list = false };
	opterr = 0;	/* our own messages, in our own words */
	while ((c = getopt_long(argc, argv, ":", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_LIST: opt->list = true; break;
		case OPT_FAMILY:
			if (find_family(optarg) == NULL) {
				return usage_error("no family named '%s' (mapitest --list shows them)",
						   optarg);
			}
			if (!append(mem_ctx, &opt->families, &opt->family_count, optarg)) {
				return usage_error("out of memory%s", "");
			}
			break;
		case OPT_TEST:
			if (!append(mem_ctx, &opt->tests, &opt->test_count, optarg)) {
				return usage_error("out of memory%s", "");
			}
			break;
		case OPT_PROFILE: opt->profile = optarg; break;
		case OPT_PROFILE_FILE: opt->profile_file = optarg; break;
		case OPT_SERVER: opt->server = optarg; break;
		case OPT_USER: opt->user = optarg; break;
		case OPT_PASSWORD: opt->password = optarg; break;
		case OPT_DOMAIN: opt->domain = optarg; break;
		case OPT_SEAL: opt->seal = true; break;
		case OPT_OTHER_USER: opt->other_user = optarg; break;
		case OPT_OTHER_PASSWORD: opt->other_password = optarg; break;
		case OPT_DEBUG: opt->debug = true; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0) {
				opt->json = true;
			} else if (strcmp(optarg, "text") != 0) {
				return usage_error("--format is text or json, not '%s'", optarg);
			}
			break;
		case OPT_HELP:
			fputs(usage_text, stdout);
			return -1;
		case ':':
			return usage_error("%s needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc) {
		return usage_error("unexpected argument '%s'", argv[optind]);
	}
	/* a --test that names nothing is a typo, not an empty run */
	for (k = 0; k < opt->test_count; k++) {
		bool found = false;

		for (i = 0; i < MT_COUNT(families) && !found; i++) {
			for (j = 0; j < families[i]->count && !found; j++) {
				found = test_named(families[i], &families[i]->tests[j], opt->tests[k]);
			}
		}
		if (!found) {
			return usage_error("no test named '%s' (mapitest --list shows them)",
					   opt->tests[k]);
		}
	}
	if (opt->profile != NULL && (opt->server != NULL || opt->user != NULL)) {
		return usage_error("give --profile or --server/--user, not both%s", "");
	}
	if (opt->other_password != NULL && opt->other_user == NULL) {
		return usage_error("--other-password needs --other-user%s", "");
	}
	return 0;
}

/* A JSON string literal of S (UTF-8 passes through; controls escaped) */
static void json_string(FILE *out, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20) {
				fprintf(out, "\\u%04x", *p);
			} else {
				fputc(*p, out);
			}
		}
	}
	fputc('"', out);
}

static void json_test(FILE *out, const struct mt_family *family, const struct mt_test_def *test,
		      const char *result, const char *reason)
{
	fputs("{\"family\": ", out);
	json_string(out, family->name);
	fputs(", \"name\": ", out);
	json_string(out, test->name);
	if (result != NULL) {
		fputs(", \"result\": ", out);
		json_string(out, result);
		fputs(", \"reason\": ", out);
		json_string(out, reason);
	}
	fputs(", \"spec\": ", out);
	json_string(out, test->spec);
	fputs(", \"requirement\": ", out);
	json_string(out, test->requirement);
	fputs("}\n", out);
}

static void list_tests(const struct options *opt)
{
	size_t i, j;

	for (i = 0; i < MT_COUNT(families); i++) {
		const struct mt_family *f = families[i];

		if (!opt->json) {
			printf("%s: %s%s\n", f->name, f->title, f->needs_server ? "" : " (no server)");
		}
		for (j = 0; j < f->count; j++) {
			if (!selected(opt, f, &f->tests[j])) {
				continue;
			}
			if (opt->json) {
				json_test(stdout, f, &f->tests[j], NULL, NULL);
			} else {
				printf("  %-40s %s: %s\n", f->tests[j].name, f->tests[j].spec,
				       f->tests[j].requirement);
			}
		}
	}
}

/*
 * Samba's RPC library reports a failed bind on stderr (DEBUG level 0)
 * before it returns the status we explain ourselves; without --debug those
 * lines are dropped.
 */
static void drop_samba_debug(void *private_ptr, int level, const char *msg)
{
}

static struct cli_credentials *make_creds(TALLOC_CTX *mem_ctx, struct loadparm_context *lp_ctx,
					  const char *user, const char *password,
					  const char *domain, const char *workstation)
{
	struct cli_credentials *creds = cli_credentials_init(mem_ctx);

	if (creds == NULL) {
		return NULL;
	}
	cli_credentials_set_conf(creds, lp_ctx);
	cli_credentials_set_username(creds, user, CRED_SPECIFIED);
	cli_credentials_set_password(creds, password, CRED_SPECIFIED);
	if (domain != NULL) {
		cli_credentials_set_domain(creds, domain, CRED_SPECIFIED);
	}
	if (workstation != NULL) {
		cli_credentials_set_workstation(creds, workstation, CRED_SPECIFIED);
	}
	/* NTLM, as profile_connect(): a client outside the domain's DNS has no KDC */
	cli_credentials_set_kerberos_state(creds, CRED_USE_KERBEROS_DISABLED, CRED_SPECIFIED);
	return creds;
}

/*
 * Who the user is and where their mailbox lives, as a MAPI client learns
 * it: the address book resolves the name, the referral service names the
 * server.  A refused logon or an unreachable server ends the run (exit 1):
 * no test could say anything useful about the server.
 */
static int connect_env(TALLOC_CTX *mem_ctx, const struct options *opt, struct mt_env *env)
{
	struct mapi_profile *profile = NULL;
	struct profile_connection *conn = NULL;
	const char *password = opt->password;
	enum MAPISTATUS ret;

	if (opt->profile != NULL) {
		struct profile_store *store = NULL;

		ret = profile_store_open(mem_ctx, opt->profile_file, &store);
		if (ret != MAPI_E_SUCCESS) {
			fprintf(stderr, "mapitest: cannot open the profile store: %s\n",
				store != NULL && profile_store_last_error(store) != NULL ?
				profile_store_last_error(store) : mapi_errstr(ret));
			return EXIT_FAILED;
		}
		ret = profile_get(store, mem_ctx, opt->profile, &profile);
		if (ret != MAPI_E_SUCCESS) {
			fprintf(stderr, "mapitest: no profile named '%s' in %s\n", opt->profile,
				profile_store_path(store));
			return EXIT_FAILED;
		}
		if (password == NULL) {
			password = profile->password;
		}
		if (password == NULL) {
			fprintf(stderr, "mapitest: profile '%s' keeps no password; give --password\n",
				profile->name);
			return EXIT_FAILED;
		}
	} else {
		if (opt->server == NULL || opt->user == NULL || password == NULL) {
			return usage_error("the selected tests need a server: give --profile NAME, or "
					   "--server, --user and --password%s", "");
		}
		profile = talloc_zero(mem_ctx, struct mapi_profile);
		if (profile == NULL) {
			return EXIT_FAILED;
		}
		profile->username = opt->user;
		profile->domain = opt->domain;
		profile->server = opt->server;
	}
	ret = profile_connect(mem_ctx, profile, password, opt->seal, &conn);
	if (ret != MAPI_E_SUCCESS) {
		fprintf(stderr, "mapitest: cannot log on to %s: %s\n",
			profile->server != NULL ? profile->server : profile->binding,
			conn != NULL && profile_connection_error(conn) != NULL ?
			profile_connection_error(conn) : mapi_errstr(ret));
		return EXIT_FAILED;
	}
	if (profile->essdn == NULL || profile->home_server == NULL) {
		ret = profile_fill_from_server(conn, profile, NULL);
		if (ret != MAPI_E_SUCCESS) {
			fprintf(stderr, "mapitest: cannot find %s's mailbox: %s\n", profile->username,
				profile_connection_error(conn) != NULL ?
				profile_connection_error(conn) : mapi_errstr(ret));
			return EXIT_FAILED;
		}
	}
	if (opt->other_user != NULL) {
		struct profile_ab_entry *entry = NULL;

		ret = profile_resolve_name(conn, mem_ctx, opt->other_user, &entry);
		if (ret != MAPI_E_SUCCESS) {
			fprintf(stderr, "mapitest: --other-user %s: %s\n", opt->other_user,
				profile_connection_error(conn) != NULL ?
				profile_connection_error(conn) : mapi_errstr(ret));
			return EXIT_FAILED;
		}
		env->other_user = opt->other_user;
		env->other_essdn = entry->essdn;
	}
	env->binding = profile->binding != NULL ? profile->binding :
		talloc_asprintf(mem_ctx, "ncacn_ip_tcp:%s[%s]", profile->server,
				opt->seal ? "seal" : "sign");
	env->username = profile->username;
	env->essdn = profile->essdn;
	env->display_name = profile->display_name;
	env->home_server = profile->home_server;
	env->server_fqdn = profile->server_fqdn;
	env->codepage = profile->codepage != 0 ? profile->codepage : 1252;
	env->creds = make_creds(mem_ctx, env->lp_ctx, profile->username, password, profile->domain,
				profile->workstation);
	if (opt->other_password != NULL) {
		env->other_creds = make_creds(mem_ctx, env->lp_ctx, opt->other_user,
					      opt->other_password, profile->domain,
					      profile->workstation);
	}
	if (env->binding == NULL || env->creds == NULL ||
	    (opt->other_password != NULL && env->other_creds == NULL)) {
		fprintf(stderr, "mapitest: out of memory\n");
		return EXIT_FAILED;
	}
	talloc_free(conn);
	return 0;
}

struct tally {
	unsigned passed, failed, skipped;
};

static void run_test(const struct options *opt, struct mt_env *env, const struct mt_family *f,
		     const struct mt_test_def *def, struct tally *tally)
{
	static const char *const names[] = { "pass", "fail", "skip" };
	struct mt_test t = { .env = env, .result = MT_PASS };
	enum mt_result result;

	t.mem = talloc_new(NULL);
	if (t.mem == NULL) {
		result = MT_FAIL;
		t.reason = NULL;
	} else {
		result = def->fn(&t);
	}
	/* a verdict without a reason would tell nobody anything */
	if (result != MT_PASS && t.reason == NULL) {
		t.reason = talloc_strdup(NULL, "no reason given");
	} else if (t.reason != NULL) {
		t.reason = talloc_steal(NULL, t.reason);
	}
	switch (result) {
	case MT_PASS: tally->passed++; break;
	case MT_FAIL: tally->failed++; break;
	case MT_SKIP: tally->skipped++; break;
	}
	if (opt->json) {
		json_test(stdout, f, def, names[result], result == MT_PASS ? NULL : t.reason);
	} else if (result == MT_PASS) {
		printf("%s/%s: pass\n", f->name, def->name);
	} else {
		printf("%s/%s: %s: %s\n", f->name, def->name, result == MT_FAIL ? "FAIL" : "skip",
		       t.reason);
		if (result == MT_FAIL) {
			printf("    requirement (%s): %s\n", def->spec, def->requirement);
		}
	}
	fflush(stdout);
	talloc_free(t.reason);
	talloc_free(t.mem);
}

/*
 * Every exit goes through here: samba's debug class table is process-wide
 * and lives until gfree_debugsyms(), which valgrind would otherwise report.
 */
static int finish(TALLOC_CTX *mem_ctx, int status)
{
	talloc_free(mem_ctx);
	gfree_debugsyms();
	return status;
}

int main(int argc, char **argv)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct mt_env env = { .codepage = 1252 };
	struct tally tally = { 0, 0, 0 };
	struct options opt;
	bool need_server = false;
	size_t i, j;
	int status;

	if (mem_ctx == NULL) {
		fprintf(stderr, "mapitest: out of memory\n");
		return EXIT_FAILED;
	}
	status = parse_options(mem_ctx, argc, argv, &opt);
	if (status != 0) {
		return finish(mem_ctx, status == -1 ? 0 : status);
	}
	if (opt.list) {
		list_tests(&opt);
		return finish(mem_ctx, 0);
	}
	if (!opt.debug) {
		debug_set_callback(NULL, drop_samba_debug);
	}
	for (i = 0; i < MT_COUNT(families); i++) {
		for (j = 0; j < families[i]->count; j++) {
			if (families[i]->needs_server && selected(&opt, families[i], &families[i]->tests[j])) {
				need_server = true;
			}
		}
	}
	if (need_server) {
		dcerpc_init();
		env.ev = tevent_context_init(mem_ctx);
		env.lp_ctx = loadparm_init_global(false);
		if (env.ev == NULL || env.lp_ctx == NULL) {
			fprintf(stderr, "mapitest: out of memory\n");
			return finish(mem_ctx, EXIT_FAILED);
		}
		status = connect_env(mem_ctx, &opt, &env);
		if (status != 0) {
			return finish(mem_ctx, status);
		}
	}
	for (i = 0; i < MT_COUNT(families); i++) {
		for (j = 0; j < families[i]->count; j++) {
			if (selected(&opt, families[i], &families[i]->tests[j])) {
				run_test(&opt, &env, families[i], &families[i]->tests[j], &tally);
			}
		}
	}
	printf("%u skipped\n", tally.skipped);
	printf("%u passed, %u failed\n", tally.passed, tally.failed);
	return finish(mem_ctx, tally.failed == 0 ? 0 : EXIT_FAILED);
}
