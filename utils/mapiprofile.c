/*
 * mapiprofile: create, list, show and remove MAPI profiles, and look names
 * up in the server's address book.
 *
 * A profile is created the way Outlook creates an Exchange profile: log on
 * to the address book with the user's credentials, resolve the user there
 * (MS-OXNSPI NspiResolveNamesW), keep who they are and where their mailbox
 * lives, and ask the referral service for the mailbox server's DNS name
 * (MS-OXABREF RfrGetFQDNFromServerDN).  The profiles live in an ldb file
 * (libmapi/profile.h).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <util/debug.h>

#include "libmapi/profile.h"
#include "libmapi/profile_nspi.h"

#define EXIT_FAILED 1	/* the operation failed: see the message */
#define EXIT_USAGE 2	/* bad options */

static const char usage_text[] =
"usage: mapiprofile COMMAND [options]\n"
"\n"
"Commands:\n"
"  --create -P NAME -u USER -p PASSWORD -I SERVER [-d DOMAIN]\n"
"                       resolve USER in the server's address book and save a\n"
"                       profile NAME with what the server says about them\n"
"  --list               the profiles, the default one marked\n"
"  --dump -P NAME       every field of profile NAME\n"
"  --delete -P NAME     remove profile NAME\n"
"  --default [-P NAME]  make NAME the default profile; without -P, print it\n"
"  --resolve NAME       look NAME up in the address book, as the user of a\n"
"                       profile (-P, or the default one) or with -u/-p/-I\n"
"  --help               this text\n"
"\n"
"Options:\n"
"  -P, --profile NAME   the profile to work on\n"
"  -u, --username USER  the account to log on as\n"
"  -p, --password PASS  its password ('-': read one line from stdin)\n"
"  -d, --domain DOMAIN  the NetBIOS domain of the account\n"
"  -r, --realm REALM    the DNS realm, kept in the profile\n"
"  -w, --workstation W  the workstation name NTLM sends (default: this host)\n"
"  -I, --server SERVER  the server's address or host name\n"
"  --binding BINDING    a DCE/RPC binding instead of -I, e.g.\n"
"                       'ncacn_ip_tcp:192.0.2.1[seal,target_hostname=dc.example.com]'\n"
"  --kerberos           log on with Kerberos (needs -r REALM and the server's DNS\n"
"                       host name; the KDC from krb5.conf or $KRB5_CONFIG), kept\n"
"                       in the profile; NTLM otherwise\n"
"  -N, --name NAME      with --create: the name to resolve instead of USER\n"
"  --seal               seal (encrypt) the connection instead of signing it\n"
"  --debug              also show the RPC library's own messages on stderr\n"
"  --store-password     with --create: keep the password in the profile file\n"
"  --codepage N         the 8-bit code page for the address book (default 1252)\n"
"  --locale N           the locale id (LCID, e.g. 0x0409, the default)\n"
"  --profile-file PATH  the profile store (default ~/.openchange/profiles.ldb)\n"
"\n"
"Exit status: 0 done, 1 failed (the reason is on stderr), 2 bad usage.\n";

enum command { CMD_NONE, CMD_CREATE, CMD_LIST, CMD_DUMP, CMD_DELETE, CMD_DEFAULT, CMD_RESOLVE };

struct options {
	enum command command;
	const char *profile;
	const char *username;
	const char *password;
	const char *domain;
	const char *realm;
	const char *workstation;
	const char *server;
	const char *name;
	const char *resolve;
	const char *profile_file;
	bool seal;
	bool store_password;
	bool debug;
	bool kerberos;
	const char *binding;
	uint32_t codepage;
	uint32_t locale_id;
};

enum long_only {
	OPT_CREATE = 256, OPT_LIST, OPT_DUMP, OPT_DELETE, OPT_DEFAULT, OPT_RESOLVE, OPT_HELP,
	OPT_SEAL, OPT_DEBUG, OPT_STORE_PASSWORD, OPT_CODEPAGE, OPT_LOCALE, OPT_PROFILE_FILE,
	OPT_KERBEROS, OPT_BINDING,
};

static const struct option long_options[] = {
	{ "create", no_argument, NULL, OPT_CREATE },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "dump", no_argument, NULL, OPT_DUMP },
	{ "delete", no_argument, NULL, OPT_DELETE },
	{ "default", no_argument, NULL, OPT_DEFAULT },
	{ "resolve", required_argument, NULL, OPT_RESOLVE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "profile", required_argument, NULL, 'P' },
	{ "username", required_argument, NULL, 'u' },
	{ "password", required_argument, NULL, 'p' },
	{ "domain", required_argument, NULL, 'd' },
	{ "realm", required_argument, NULL, 'r' },
	{ "workstation", required_argument, NULL, 'w' },
	{ "server", required_argument, NULL, 'I' },
	{ "name", required_argument, NULL, 'N' },
	{ "seal", no_argument, NULL, OPT_SEAL },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "store-password", no_argument, NULL, OPT_STORE_PASSWORD },
	{ "codepage", required_argument, NULL, OPT_CODEPAGE },
	{ "locale", required_argument, NULL, OPT_LOCALE },
	{ "profile-file", required_argument, NULL, OPT_PROFILE_FILE },
	{ "kerberos", no_argument, NULL, OPT_KERBEROS },
	{ "binding", required_argument, NULL, OPT_BINDING },
	{ NULL, 0, NULL, 0 },
};

static int usage_error(const char *fmt, const char *arg)
{
	fputs("mapiprofile: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(mapiprofile --help for usage)\n", stderr);
	return EXIT_USAGE;
}

/* A 32-bit number in decimal or 0x hex; false for anything else */
static bool parse_u32(const char *text, uint32_t *value)
{
	unsigned long long v;
	char *end;

	if (text == NULL || text[0] == '\0' || text[0] == '-') {
		return false;
	}
	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno != 0 || *end != '\0' || v > UINT32_MAX) {
		return false;
	}
	*value = (uint32_t)v;
	return true;
}

static int set_command(struct options *opt, enum command command, const char *name)
{
	if (opt->command != CMD_NONE && opt->command != command) {
		return usage_error("give one command only (%s is a second one)", name);
	}
	opt->command = command;
	return 0;
}

/* 0, EXIT_USAGE, or -1 after --help */
static int parse_options(int argc, char **argv, struct options *opt)
{
	int c, ret;

	*opt = (struct options) { .command = CMD_NONE };
	opterr = 0;	/* our own messages, in our own words */
	while ((c = getopt_long(argc, argv, ":P:u:p:d:r:w:I:N:", long_options, NULL)) != -1) {
		ret = 0;
		switch (c) {
		case OPT_CREATE: ret = set_command(opt, CMD_CREATE, "--create"); break;
		case OPT_LIST: ret = set_command(opt, CMD_LIST, "--list"); break;
		case OPT_DUMP: ret = set_command(opt, CMD_DUMP, "--dump"); break;
		case OPT_DELETE: ret = set_command(opt, CMD_DELETE, "--delete"); break;
		case OPT_DEFAULT: ret = set_command(opt, CMD_DEFAULT, "--default"); break;
		case OPT_RESOLVE:
			ret = set_command(opt, CMD_RESOLVE, "--resolve");
			opt->resolve = optarg;
			break;
		case OPT_HELP:
			fputs(usage_text, stdout);
			return -1;
		case 'P': opt->profile = optarg; break;
		case 'u': opt->username = optarg; break;
		case 'p': opt->password = optarg; break;
		case 'd': opt->domain = optarg; break;
		case 'r': opt->realm = optarg; break;
		case 'w': opt->workstation = optarg; break;
		case 'I': opt->server = optarg; break;
		case 'N': opt->name = optarg; break;
		case OPT_SEAL: opt->seal = true; break;
		case OPT_DEBUG: opt->debug = true; break;
		case OPT_STORE_PASSWORD: opt->store_password = true; break;
		case OPT_CODEPAGE:
			if (!parse_u32(optarg, &opt->codepage) || opt->codepage == 0) {
				return usage_error("--codepage wants a code page number, not '%s'", optarg);
			}
			break;
		case OPT_LOCALE:
			if (!parse_u32(optarg, &opt->locale_id) || opt->locale_id == 0) {
				return usage_error("--locale wants an LCID such as 0x0409, not '%s'",
						   optarg);
			}
			break;
		case OPT_PROFILE_FILE: opt->profile_file = optarg; break;
		case OPT_KERBEROS: opt->kerberos = true; break;
		case OPT_BINDING: opt->binding = optarg; break;
		case ':':
			return usage_error("%s needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option %s", argv[optind - 1]);
		}
		if (ret != 0) {
			return ret;
		}
	}
	if (optind < argc) {
		return usage_error("unexpected argument '%s'", argv[optind]);
	}
	if (opt->command == CMD_NONE) {
		return usage_error("say what to do: --create, --list, --dump, --delete, --default "
				   "or --resolve%s", "");
	}
	if (opt->kerberos && opt->realm == NULL) {
		return usage_error("--kerberos needs the realm: -r REALM (e.g. EXAMPLE.COM)%s", "");
	}
	return 0;
}

/* "-": one line from stdin, without its newline */
static const char *read_password(TALLOC_CTX *mem_ctx, const char *given)
{
	char line[1024];
	size_t len;

	if (given == NULL || strcmp(given, "-") != 0) {
		return given;
	}
	if (fgets(line, sizeof(line), stdin) == NULL) {
		return NULL;
	}
	len = strcspn(line, "\r\n");
	line[len] = '\0';
	return talloc_strdup(mem_ctx, line);
}

static int store_error(struct profile_store *store, enum MAPISTATUS ret, const char *what)
{
	const char *detail = store != NULL ? profile_store_last_error(store) : NULL;

	fprintf(stderr, "mapiprofile: %s: %s (%s)\n", what, detail != NULL ? detail : "failed",
		mapi_errstr(ret));
	return EXIT_FAILED;
}

static int conn_error(struct profile_connection *conn, enum MAPISTATUS ret, const char *what)
{
	const char *detail = conn != NULL ? profile_connection_error(conn) : NULL;

	fprintf(stderr, "mapiprofile: %s: %s (%s)\n", what,
		detail != NULL ? detail : "failed", mapi_errstr(ret));
	return EXIT_FAILED;
}

static int open_store(TALLOC_CTX *mem_ctx, const struct options *opt,
		      struct profile_store **store)
{
	enum MAPISTATUS ret = profile_store_open(mem_ctx, opt->profile_file, store);

	if (ret == MAPI_E_NOT_FOUND && opt->profile_file == NULL) {
		fprintf(stderr, "mapiprofile: no $HOME to keep profiles in; give --profile-file\n");
		return EXIT_FAILED;
	}
	if (ret != MAPI_E_SUCCESS) {
		return store_error(*store, ret, "cannot open the profile store");
	}
	return 0;
}

static int cmd_create(TALLOC_CTX *mem_ctx, const struct options *opt)
{
	struct profile_store *store = NULL;
	struct profile_connection *conn = NULL;
	struct mapi_profile *profile, *existing = NULL;
	const char *password;
	enum MAPISTATUS ret;
	int status;

	if (opt->profile == NULL || opt->username == NULL || opt->password == NULL ||
	    (opt->server == NULL && opt->binding == NULL)) {
		return usage_error("--create needs -P NAME, -u USER, -p PASSWORD and -I SERVER%s", "");
	}
	if (!profile_name_is_valid(opt->profile)) {
		return usage_error("'%s' is not a valid profile name (1-128 characters, no control "
				   "characters, no leading or trailing space)", opt->profile);
	}
	password = read_password(mem_ctx, opt->password);
	if (password == NULL) {
		fprintf(stderr, "mapiprofile: no password on stdin\n");
		return EXIT_FAILED;
	}
	status = open_store(mem_ctx, opt, &store);
	if (status != 0) {
		return status;
	}
	/* before asking the server anything: a name that is taken stays taken */
	ret = profile_get(store, mem_ctx, opt->profile, &existing);
	if (ret == MAPI_E_SUCCESS) {
		fprintf(stderr, "mapiprofile: a profile named '%s' already exists in %s\n",
			existing->name, profile_store_path(store));
		return EXIT_FAILED;
	}

	profile = talloc_zero(mem_ctx, struct mapi_profile);
	if (profile == NULL) {
		fprintf(stderr, "mapiprofile: out of memory\n");
		return EXIT_FAILED;
	}
	profile->name = opt->profile;
	profile->username = opt->username;
	profile->domain = opt->domain;
	profile->realm = opt->realm;
	profile->workstation = opt->workstation;
	profile->server = opt->server;
	profile->binding = opt->binding;
	profile->auth = opt->kerberos ? PROFILE_AUTH_KERBEROS : PROFILE_AUTH_NTLM;
	profile->codepage = opt->codepage;
	profile->locale_id = opt->locale_id;
	profile->password = password;

	ret = profile_connect(mem_ctx, profile, password, opt->seal, &conn);
	if (ret != MAPI_E_SUCCESS) {
		return conn_error(conn, ret, "cannot log on");
	}
	ret = profile_fill_from_server(conn, profile, opt->name);
	if (ret != MAPI_E_SUCCESS) {
		return conn_error(conn, ret, "cannot create the profile");
	}
	ret = profile_create(store, profile, opt->store_password ? PROFILE_STORE_PASSWORD : 0);
	if (ret != MAPI_E_SUCCESS) {
		return store_error(store, ret, "cannot save the profile");
	}
	printf("Profile '%s' created for %s (%s)\n", profile->name,
	       profile->display_name != NULL ? profile->display_name : profile->username,
	       profile->essdn);
	return 0;
}

static int cmd_list(TALLOC_CTX *mem_ctx, const struct options *opt)
{
	struct profile_store *store = NULL;
	const char **names = NULL;
	const char *def = NULL;
	enum MAPISTATUS ret;
	uint32_t count = 0, i;
	int status;

	status = open_store(mem_ctx, opt, &store);
	if (status != 0) {
		return status;
	}
	ret = profile_list(store, mem_ctx, &names, &count);
	if (ret != MAPI_E_SUCCESS) {
		return store_error(store, ret, "cannot list the profiles");
	}
	if (profile_get_default(store, mem_ctx, &def) != MAPI_E_SUCCESS) {
		def = NULL;
	}
	for (i = 0; i < count; i++) {
		bool is_default = def != NULL && strcmp(def, names[i]) == 0;

		printf("%s%s\n", names[i], is_default ? " (default)" : "");
	}
	if (count == 0) {
		fprintf(stderr, "mapiprofile: no profiles in %s\n", profile_store_path(store));
	}
	return 0;
}

static void dump_field(const char *key, const char *value)
{
	printf("%s: %s\n", key, value != NULL ? value : "(not set)");
}

/* a profile (opening the store unless *STORE is open), "not found" said plainly */
static int load_profile(TALLOC_CTX *mem_ctx, const struct options *opt, const char *name,
			struct profile_store **store, struct mapi_profile **profile)
{
	enum MAPISTATUS ret;
	int status;

	if (*store == NULL) {
		status = open_store(mem_ctx, opt, store);
		if (status != 0) {
			return status;
		}
	}
	ret = profile_get(*store, mem_ctx, name, profile);
	if (ret == MAPI_E_NOT_FOUND) {
		fprintf(stderr, "mapiprofile: no profile named '%s' in %s\n", name,
			profile_store_path(*store));
		return EXIT_FAILED;
	}
	if (ret != MAPI_E_SUCCESS) {
		return store_error(*store, ret, "cannot read the profile");
	}
	return 0;
}

static int cmd_dump(TALLOC_CTX *mem_ctx, const struct options *opt)
{
	struct profile_store *store = NULL;
	struct mapi_profile *p = NULL;
	int status;

	if (opt->profile == NULL) {
		return usage_error("--dump needs -P NAME%s", "");
	}
	status = load_profile(mem_ctx, opt, opt->profile, &store, &p);
	if (status != 0) {
		return status;
	}
	dump_field("name", p->name);
	dump_field("default", p->is_default ? "yes" : "no");
	dump_field("username", p->username);
	dump_field("password", p->password != NULL ? "stored" : "not stored");
	dump_field("domain", p->domain);
	dump_field("realm", p->realm);
	dump_field("workstation", p->workstation);
	dump_field("server", p->server);
	dump_field("binding", p->binding);
	dump_field("server_fqdn", p->server_fqdn);
	dump_field("display_name", p->display_name);
	dump_field("essdn", p->essdn);
	dump_field("smtp_address", p->smtp_address);
	dump_field("home_server", p->home_server);
	dump_field("home_mdb", p->home_mdb);
	printf("codepage: %u\n", p->codepage);
	printf("locale_id: 0x%04x\n", p->locale_id);
	dump_field("auth", p->auth == PROFILE_AUTH_KERBEROS ? "kerberos" : "ntlm");
	return 0;
}

static int cmd_delete(TALLOC_CTX *mem_ctx, const struct options *opt)
{
	struct profile_store *store = NULL;
	enum MAPISTATUS ret;
	int status;

	if (opt->profile == NULL) {
		return usage_error("--delete needs -P NAME%s", "");
	}
	status = open_store(mem_ctx, opt, &store);
	if (status != 0) {
		return status;
	}
	ret = profile_delete(store, opt->profile);
	if (ret == MAPI_E_NOT_FOUND) {
		fprintf(stderr, "mapiprofile: no profile named '%s' in %s\n", opt->profile,
			profile_store_path(store));
		return EXIT_FAILED;
	}
	if (ret != MAPI_E_SUCCESS) {
		return store_error(store, ret, "cannot delete the profile");
	}
	printf("Profile '%s' deleted\n", opt->profile);
	return 0;
}

static int cmd_default(TALLOC_CTX *mem_ctx, const struct options *opt)
{
	struct profile_store *store = NULL;
	const char *name = NULL;
	enum MAPISTATUS ret;
	int status;

	status = open_store(mem_ctx, opt, &store);
	if (status != 0) {
		return status;
	}
	if (opt->profile == NULL) {
		ret = profile_get_default(store, mem_ctx, &name);
		if (ret == MAPI_E_NOT_FOUND) {
			fprintf(stderr, "mapiprofile: no default profile in %s\n",
				profile_store_path(store));
			return EXIT_FAILED;
		}
		if (ret != MAPI_E_SUCCESS) {
			return store_error(store, ret, "cannot read the default profile");
		}
		printf("%s\n", name);
		return 0;
	}
	ret = profile_set_default(store, opt->profile);
	if (ret == MAPI_E_NOT_FOUND) {
		fprintf(stderr, "mapiprofile: no profile named '%s' in %s\n", opt->profile,
			profile_store_path(store));
		return EXIT_FAILED;
	}
	if (ret != MAPI_E_SUCCESS) {
		return store_error(store, ret, "cannot set the default profile");
	}
	printf("Profile '%s' is now the default\n", opt->profile);
	return 0;
}

static int cmd_resolve(TALLOC_CTX *mem_ctx, const struct options *opt)
{
	struct profile_connection *conn = NULL;
	struct profile_ab_entry *entry = NULL;
	struct mapi_profile *profile = NULL;
	const char *password;
	enum MAPISTATUS ret;
	int status;

	password = read_password(mem_ctx, opt->password);
	if (opt->password != NULL && password == NULL) {
		fprintf(stderr, "mapiprofile: no password on stdin\n");
		return EXIT_FAILED;
	}
	if (opt->server != NULL || opt->binding != NULL || opt->username != NULL) {
		/* direct credentials: a profile that lives only for this call */
		if ((opt->server == NULL && opt->binding == NULL) || opt->username == NULL ||
		    password == NULL) {
			return usage_error("--resolve with direct credentials needs -u USER, "
					   "-p PASSWORD and -I SERVER%s", "");
		}
		profile = talloc_zero(mem_ctx, struct mapi_profile);
		if (profile == NULL) {
			fprintf(stderr, "mapiprofile: out of memory\n");
			return EXIT_FAILED;
		}
		profile->username = opt->username;
		profile->domain = opt->domain;
		profile->realm = opt->realm;
		profile->workstation = opt->workstation;
		profile->server = opt->server;
		profile->binding = opt->binding;
		profile->auth = opt->kerberos ? PROFILE_AUTH_KERBEROS : PROFILE_AUTH_NTLM;
		profile->codepage = opt->codepage;
		profile->locale_id = opt->locale_id;
	} else {
		struct profile_store *store = NULL;
		const char *name = opt->profile;

		if (name == NULL) {
			status = open_store(mem_ctx, opt, &store);
			if (status != 0) {
				return status;
			}
			if (profile_get_default(store, mem_ctx, &name) != MAPI_E_SUCCESS) {
				fprintf(stderr, "mapiprofile: no default profile in %s; give -P NAME or "
					"-u/-p/-I\n", profile_store_path(store));
				return EXIT_FAILED;
			}
		}
		status = load_profile(mem_ctx, opt, name, &store, &profile);
		if (status != 0) {
			return status;
		}
		if (password == NULL) {
			password = profile->password;
		}
		if (password == NULL) {
			fprintf(stderr, "mapiprofile: profile '%s' keeps no password; give -p PASSWORD\n",
				profile->name);
			return EXIT_FAILED;
		}
		if (opt->codepage != 0) {
			profile->codepage = opt->codepage;
		}
		if (opt->locale_id != 0) {
			profile->locale_id = opt->locale_id;
		}
	}
	ret = profile_connect(mem_ctx, profile, password, opt->seal, &conn);
	if (ret != MAPI_E_SUCCESS) {
		return conn_error(conn, ret, "cannot log on");
	}
	ret = profile_resolve_name(conn, mem_ctx, opt->resolve, &entry);
	if (ret != MAPI_E_SUCCESS) {
		return conn_error(conn, ret, "cannot resolve the name");
	}
	dump_field("display_name", entry->display_name);
	dump_field("essdn", entry->essdn);
	dump_field("smtp_address", entry->smtp_address);
	dump_field("account", entry->account);
	dump_field("home_mdb", entry->home_mdb);
	return 0;
}

/*
 * Samba's RPC library reports a failed bind on stderr (DEBUG level 0) before
 * it returns the status we explain ourselves; without --debug those lines
 * are dropped, so stderr carries one message a user can act on.
 */
static void drop_samba_debug(void *private_ptr, int level, const char *msg)
{
}

int main(int argc, char **argv)
{
	TALLOC_CTX *mem_ctx;
	struct options opt;
	int status;

	status = parse_options(argc, argv, &opt);
	if (status == -1) {
		return 0;
	}
	if (status != 0) {
		return status;
	}
	if (!opt.debug) {
		debug_set_callback(NULL, drop_samba_debug);
	}
	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "mapiprofile: out of memory\n");
		return EXIT_FAILED;
	}
	switch (opt.command) {
	case CMD_CREATE: status = cmd_create(mem_ctx, &opt); break;
	case CMD_LIST: status = cmd_list(mem_ctx, &opt); break;
	case CMD_DUMP: status = cmd_dump(mem_ctx, &opt); break;
	case CMD_DELETE: status = cmd_delete(mem_ctx, &opt); break;
	case CMD_DEFAULT: status = cmd_default(mem_ctx, &opt); break;
	case CMD_RESOLVE: status = cmd_resolve(mem_ctx, &opt); break;
	case CMD_NONE:
	default: status = EXIT_USAGE; break;
	}
	talloc_free(mem_ctx);
	return status;
}
