/*
 * Unit tests of the spec tables generated into idl/gen_*.{h,c}: facts quoted
 * from the specs, name <-> value round trips over every entry, and what
 * unknown inputs get.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <ndr.h>

#include "idl/gen_proptags.h"
#include "idl/gen_namedprops.h"
#include "idl/gen_errors.h"
#include "idl/gen_ropids.h"

/* The "Property ID" and "Data type" lines of the [MS-OXPROPS] entries
 * PidTagSubject, PidTagDisplayName, PidTagEntryId, PidTagMessageClass,
 * PidTagAddressBookProxyAddresses (2.565) and PidTagRuleActions (2.945). */
static void test_proptags_from_spec(void **state)
{
	uint32_t tag = 0;

	assert_int_equal(PidTagSubject, 0x0037001F);
	assert_int_equal(PidTagDisplayName, 0x3001001F);
	assert_int_equal(PidTagEntryId, 0x0FFF0102);
	assert_int_equal(PidTagMessageClass, 0x001A001F);
	assert_int_equal(PidTagAddressBookProxyAddresses, 0x800F101F);
	assert_int_equal(PidTagRuleActions, 0x668000FE);

	assert_string_equal(mapi_proptag_name(0x0037001F), "PidTagSubject");
	assert_string_equal(mapi_proptag_name(0x800F101F), "PidTagAddressBookProxyAddresses");
	assert_true(mapi_proptag_from_name("PidTagEntryId", &tag));
	assert_int_equal(tag, 0x0FFF0102);

	/* MAPI_PROP_TAG and friends split and join like [MS-OXCDATA] 2.9 says */
	assert_int_equal(MAPI_PROP_TAG(0x0037, PtypString), PidTagSubject);
	assert_int_equal(MAPI_PROP_ID(PidTagAddressBookProxyAddresses), 0x800F);
	assert_int_equal(MAPI_PROP_TYPE(PidTagAddressBookProxyAddresses), PtypMultipleString);
}

/* The spec's alternate names: PR_SUBJECT_A is the 8-bit form, PR_SUBJECT_W the
 * Unicode one, of the same property id. */
static void test_proptags_alternate_names(void **state)
{
	uint32_t tag = 0;

	assert_true(mapi_proptag_from_name("PR_SUBJECT", &tag));
	assert_int_equal(tag, 0x0037001F);
	assert_true(mapi_proptag_from_name("PR_SUBJECT_A", &tag));
	assert_int_equal(tag, 0x0037001E);
	assert_true(mapi_proptag_from_name("PR_SUBJECT_W", &tag));
	assert_int_equal(tag, 0x0037001F);
	assert_true(mapi_proptag_from_name("PR_EMS_AB_PROXY_ADDRESSES_A", &tag));
	assert_int_equal(tag, 0x800F101E);
	assert_true(mapi_proptag_from_name("PR_BUSINESS2_TELEPHONE_NUMBER_A_MV", &tag));
	assert_int_equal(tag, 0x3A1B101E);
	/* a PtypString8 entry whose spec lists the _W name too */
	assert_true(mapi_proptag_from_name("PR_OAB_DN", &tag));
	assert_int_equal(tag, 0x6804001E);
	assert_true(mapi_proptag_from_name("PR_OAB_DN_W", &tag));
	assert_int_equal(tag, 0x6804001F);
	/* a PtypObject entry: its _A/_W forms have no type in the spec */
	assert_true(mapi_proptag_from_name("PR_EMS_AB_MANAGER", &tag));
	assert_int_equal(tag, 0x8005000D);
	assert_false(mapi_proptag_from_name("PR_EMS_AB_MANAGER_A", &tag));
	/* ptag* and URN alternate names are not looked up */
	assert_false(mapi_proptag_from_name("ptagSubject", &tag));
	assert_false(mapi_proptag_from_name("urn:schemas:httpmail:subject", &tag));
}

/* Tags that are not listed as such but name a listed property. */
static void test_proptag_name_fallbacks(void **state)
{
	assert_string_equal(mapi_proptag_name(0x0037001E), "PidTagSubject");
	assert_string_equal(mapi_proptag_name(0x6804001F), "PidTagOfflineAddressBookDistinguishedName");
	assert_string_equal(mapi_proptag_name(0x0037000A), "PidTagSubject");
	assert_string_equal(mapi_proptag_name(0x00370000), "PidTagSubject");
	assert_string_equal(mapi_proptag_name(0x800F301F), "PidTagAddressBookProxyAddresses");
	assert_string_equal(mapi_proptag_name(0x800F301E), "PidTagAddressBookProxyAddresses");
	assert_string_equal(mapi_proptag_name(0x800F101E), "PidTagAddressBookProxyAddresses");
	/* another type of a known id is another property */
	assert_null(mapi_proptag_name(0x00370003));
	assert_null(mapi_proptag_name(0x0037101F));
	assert_null(mapi_proptag_name(0x0FFF001F));
}

/* Ids the spec gives to two names: by type, or (message-class defined range)
 * even with the same type. */
static void test_proptag_shared_ids(void **state)
{
	const char *names[4] = { NULL };

	assert_int_equal(PidTagMessageSize, 0x0E080003);
	assert_int_equal(PidTagMessageSizeExtended, 0x0E080014);
	assert_string_equal(mapi_proptag_name(0x0E080003), "PidTagMessageSize");
	assert_string_equal(mapi_proptag_name(0x0E080014), "PidTagMessageSizeExtended");
	assert_string_equal(mapi_proptag_name(0x37010102), "PidTagAttachDataBinary");
	assert_string_equal(mapi_proptag_name(0x3701000D), "PidTagAttachDataObject");
	assert_string_equal(mapi_proptag_name(0x1013001F), "PidTagBodyHtml");
	assert_string_equal(mapi_proptag_name(0x10130102), "PidTagHtml");

	assert_int_equal(PidTagScheduleInfoResourceType, PidTagSearchFolderTemplateId);
	assert_int_equal(mapi_proptag_names(0x68410003, names, 4), 2);
	assert_string_equal(names[0], "PidTagScheduleInfoResourceType");
	assert_string_equal(names[1], "PidTagSearchFolderTemplateId");
	assert_string_equal(mapi_proptag_name(0x68410003), "PidTagScheduleInfoResourceType");

	/* three names, but room for one: the count says so */
	assert_int_equal(mapi_proptag_names(0x68470003, names, 1), 3);
	assert_string_equal(names[0], "PidTagFreeBusyPublishStart");
	assert_int_equal(mapi_proptag_names(0x00370003, names, 4), 0);
}

static void test_proptags_round_trip(void **state)
{
	size_t i, j;

	for (i = 0; i < MAPI_PROPTAGS_COUNT; i++) {
		const struct mapi_proptag_info *p = &mapi_proptags[i];
		const char *names[4] = { NULL };
		size_t n = mapi_proptag_names(p->proptag, names, 4);
		uint32_t tag = 0;
		bool found = false;

		if (i > 0) {
			assert_true(mapi_proptags[i - 1].proptag < p->proptag ||
				    (mapi_proptags[i - 1].proptag == p->proptag &&
				     strcmp(mapi_proptags[i - 1].name, p->name) < 0));
		}
		assert_true(mapi_proptag_from_name(p->name, &tag));
		assert_int_equal(tag, p->proptag);
		assert_in_range(n, 1, 4);
		for (j = 0; j < n; j++) {
			found = found || strcmp(names[j], p->name) == 0;
		}
		assert_true(found);
		assert_string_equal(mapi_proptag_name(p->proptag), names[0]);
		assert_non_null(mapi_proptype_name(MAPI_PROP_TYPE(p->proptag)));
	}
}

static void test_proptags_unknown(void **state)
{
	uint32_t tag = 0x12345678;

	assert_null(mapi_proptag_name(0x00000000));
	assert_null(mapi_proptag_name(0xFFFF001F));
	assert_null(mapi_proptag_name(0xFFFF000A));
	assert_false(mapi_proptag_from_name("PidTagNoSuchThing", &tag));
	assert_false(mapi_proptag_from_name("pidtagsubject", &tag));
	assert_false(mapi_proptag_from_name("", &tag));
	assert_false(mapi_proptag_from_name(NULL, &tag));
	assert_int_equal(tag, 0x12345678);
	assert_true(mapi_proptag_from_name("PidTagSubject", NULL));
}

/* [MS-OXCDATA] 2.11.1 */
static void test_proptypes(void **state)
{
	assert_int_equal(PtypInteger32, 0x0003);
	assert_int_equal(PtypBoolean, 0x000B);
	assert_int_equal(PtypString8, 0x001E);
	assert_int_equal(PtypString, 0x001F);
	assert_int_equal(PtypServerId, 0x00FB);
	assert_int_equal(PtypBinary, 0x0102);
	assert_int_equal(PtypMultipleString, PtypString | PtypMultiValueFlag);
	assert_int_equal(PtypMultiValueFlag, 0x1000);
	assert_int_equal(PtypMultivalueInstanceFlag, 0x2000);
	assert_int_equal(PtypObject, PtypEmbeddedTable);

	assert_string_equal(mapi_proptype_name(0x0003), "PtypInteger32");
	assert_string_equal(mapi_proptype_name(0x101F), "PtypMultipleString");
	assert_string_equal(mapi_proptype_name(0x000D), "PtypObject");
	assert_string_equal(mapi_proptype_name(0x0000), "PtypUnspecified");
	assert_null(mapi_proptype_name(0x0008));
	assert_null(mapi_proptype_name(0x100B));
	assert_null(mapi_proptype_name(0x301F));
	assert_null(mapi_proptype_name(0xFFFF));
}

/* [MS-OXPROPS] PidLidTaskStatus: PSETID_Task, LID 0x00008101, PtypInteger32;
 * 2.449 PidNameInternetSubject: PS_INTERNET_HEADERS, name "Subject". */
static void test_namedprops_from_spec(void **state)
{
	const struct mapi_namedprop_info *p;

	assert_int_equal(PidLidTaskStatus, 0x8101);
	p = mapi_namedprop_by_lid(&PSETID_Task, 0x8101);
	assert_non_null(p);
	assert_string_equal(p->canonical_name, "PidLidTaskStatus");
	assert_int_equal(p->kind, MAPI_NAMEDPROP_LID);
	assert_int_equal(p->proptype, PtypInteger32);
	assert_ptr_equal(p->propset, &PSETID_Task);
	assert_null(p->name);
	assert_string_equal(mapi_propset_name(p->propset), "PSETID_Task");

	p = mapi_namedprop_by_name(&PS_INTERNET_HEADERS, "Subject");
	assert_non_null(p);
	assert_string_equal(p->canonical_name, "PidNameInternetSubject");
	assert_int_equal(p->kind, MAPI_NAMEDPROP_NAME);
	assert_string_equal(p->name, PidNameInternetSubject);
	assert_int_equal(p->proptype, PtypString);

	/* [MS-OXPROPS] 2.394 and 2.457: two canonical names, one (set, name) */
	p = mapi_namedprop_by_name(&PS_PUBLIC_STRINGS, "urn:schemas:calendar:locationurl");
	assert_non_null(p);
	assert_string_equal(p->canonical_name, "PidNameCalendarLocationUrl");
	assert_string_equal(PidNameLocationUrl, PidNameCalendarLocationUrl);

	p = mapi_namedprop_by_canonical_name("PidLidTaskStatus");
	assert_non_null(p);
	assert_int_equal(p->lid, 0x8101);

	/* [MS-OXPROPS] 1.3.2 */
	assert_ptr_equal(mapi_propset_by_name("PS_PUBLIC_STRINGS"), &PS_PUBLIC_STRINGS);
	assert_string_equal(mapi_propset_name(&PS_MAPI), "PS_MAPI");
	assert_int_equal(PSETID_Meeting.time_low, 0x6ED8DA90);
}

static void test_namedprops_round_trip(void **state)
{
	size_t i;

	for (i = 0; i < MAPI_NAMEDPROPS_COUNT; i++) {
		const struct mapi_namedprop_info *p = &mapi_namedprops[i];
		const struct mapi_namedprop_info *q;

		if (i > 0) {
			assert_true(strcmp(mapi_namedprops[i - 1].canonical_name, p->canonical_name) < 0);
		}
		assert_ptr_equal(mapi_namedprop_by_canonical_name(p->canonical_name), p);
		if (p->kind == MAPI_NAMEDPROP_LID) {
			assert_null(p->name);
			q = mapi_namedprop_by_lid(p->propset, p->lid);
			assert_non_null(q);
			assert_int_equal(q->lid, p->lid);
		} else {
			assert_non_null(p->name);
			q = mapi_namedprop_by_name(p->propset, p->name);
			assert_non_null(q);
			assert_string_equal(q->name, p->name);
		}
		assert_true(mapi_guid_equal(q->propset, p->propset));
		assert_non_null(mapi_propset_name(p->propset));
		assert_non_null(mapi_proptype_name(p->proptype));
	}
	for (i = 0; i < MAPI_PROPSETS_COUNT; i++) {
		assert_ptr_equal(mapi_propset_by_name(mapi_propsets[i].name), mapi_propsets[i].guid);
		assert_string_equal(mapi_propset_name(mapi_propsets[i].guid), mapi_propsets[i].name);
	}
}

static void test_namedprops_unknown(void **state)
{
	const struct mapi_guid zero = { 0 };

	assert_null(mapi_namedprop_by_lid(&PS_PUBLIC_STRINGS, 0x8101));
	assert_null(mapi_namedprop_by_lid(&zero, 0x8101));
	assert_null(mapi_namedprop_by_lid(NULL, 0x8101));
	assert_null(mapi_namedprop_by_name(&PS_INTERNET_HEADERS, "subject"));
	assert_null(mapi_namedprop_by_name(&PSETID_Task, "Subject"));
	assert_null(mapi_namedprop_by_name(&PS_INTERNET_HEADERS, NULL));
	assert_null(mapi_namedprop_by_canonical_name("PidLidNoSuchThing"));
	assert_null(mapi_namedprop_by_canonical_name(NULL));
	assert_null(mapi_propset_name(&zero));
	assert_null(mapi_propset_name(NULL));
	assert_null(mapi_propset_by_name("PSETID_Nothing"));
	assert_null(mapi_propset_by_name(NULL));
	assert_false(mapi_guid_equal(&zero, &PS_MAPI));
	assert_false(mapi_guid_equal(NULL, &PS_MAPI));
}

/* The *_INIT initializers and struct mapi_guid fit Samba's struct GUID, whose
 * string form is the registry form [MS-OXPROPS] 1.3.2 prints. */
static void test_guids_fit_samba(void **state)
{
	static const struct {
		const struct mapi_guid *guid;
		const char *registry_form;
	} sets[] = {
		{ &PSETID_Task, "00062003-0000-0000-c000-000000000046" },
		{ &PSETID_Meeting, "6ed8da90-450b-101b-98da-00aa003f1305" },
		{ &PSETID_Attachment, "96357f7f-59e1-47d0-99a7-46515c183b54" },
		{ &PS_INTERNET_HEADERS, "00020386-0000-0000-c000-000000000046" },
	};
	const struct GUID task = PSETID_Task_INIT;
	struct GUID parsed;
	size_t i;

	assert_int_equal(sizeof(struct mapi_guid), sizeof(struct GUID));
	assert_int_equal(offsetof(struct mapi_guid, time_mid), offsetof(struct GUID, time_mid));
	assert_int_equal(offsetof(struct mapi_guid, time_hi_and_version), offsetof(struct GUID, time_hi_and_version));
	assert_int_equal(offsetof(struct mapi_guid, clock_seq), offsetof(struct GUID, clock_seq));
	assert_int_equal(offsetof(struct mapi_guid, node), offsetof(struct GUID, node));

	assert_true(NT_STATUS_IS_OK(GUID_from_string(sets[0].registry_form, &parsed)));
	assert_true(GUID_equal(&task, &parsed));

	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		assert_true(NT_STATUS_IS_OK(GUID_from_string(sets[i].registry_form, &parsed)));
		assert_int_equal(parsed.time_low, sets[i].guid->time_low);
		assert_int_equal(parsed.time_mid, sets[i].guid->time_mid);
		assert_int_equal(parsed.time_hi_and_version, sets[i].guid->time_hi_and_version);
		assert_memory_equal(parsed.clock_seq, sets[i].guid->clock_seq, 2);
		assert_memory_equal(parsed.node, sets[i].guid->node, 6);
	}
}

/* [MS-OXCDATA] 2.4 (and the MAPI SDK names for its codes), 2.4.1, 2.4.2. */
static void test_errors_from_spec(void **state)
{
	assert_int_equal(MAPI_E_SUCCESS, 0x00000000);
	assert_int_equal(MAPI_E_NOT_FOUND, 0x8004010F);
	assert_int_equal(MAPI_E_CALL_FAILED, 0x80004005);
	assert_int_equal(MAPI_E_NO_SUPPORT, 0x80040102);
	assert_int_equal(MAPI_E_INVALID_PARAMETER, 0x80070057);
	assert_int_equal(MAPI_E_NOT_ENOUGH_MEMORY, 0x8007000E);
	assert_int_equal(MAPI_E_NO_ACCESS, 0x80070005);
	assert_int_equal(MAPI_E_BUSY, 0x8004010B);
	assert_int_equal(EC_SERVER_BUSY, 0x00000480);
	assert_int_equal(EC_UNKNOWN_USER, 0x000003EB);
	assert_int_equal(MAPI_W_ERRORS_RETURNED, 0x00040380);
	assert_int_equal(MAPI_E_TIME_SKEW, 0x80040123);

	assert_string_equal(mapi_errstr(0x8004010F), "MAPI_E_NOT_FOUND");
	assert_string_equal(mapi_errstr(MAPI_E_SUCCESS), "MAPI_E_SUCCESS");
	assert_string_equal(mapi_errstr(0x80004005), "MAPI_E_CALL_FAILED");
	assert_string_equal(mapi_errstr(0x00000480), "EC_SERVER_BUSY");
	/* a code in 2.4.1 and 2.4.2 is named as the error */
	assert_string_equal(mapi_errstr(0x000003EE), "EC_BAD_CONFIGURATION");
	assert_string_equal(mapi_errdesc(0x8004010F), "The requested object could not be found at the server.");
	assert_string_equal(mapi_errdesc(0x000003EB), "Unable to identify a home Store object for this user.");
	assert_null(mapi_errdesc(0x00040380));
}

static void test_errors_round_trip(void **state)
{
	char buf[MAPI_ERRSTR_BUFSIZE];
	size_t i;

	for (i = 0; i < MAPI_ERRORS_COUNT; i++) {
		const struct mapi_error_info *e = &mapi_errors[i];

		if (i > 0) {
			assert_true(mapi_errors[i - 1].code < e->code);
		}
		assert_string_equal(mapi_errstr(e->code), e->name);
		assert_ptr_equal(mapi_errstr_buf(e->code, buf, sizeof(buf)), e->name);
		assert_ptr_equal(mapi_errdesc(e->code), e->meaning);
		assert_non_null(e->spec_name);
	}
}

static void test_errors_unknown(void **state)
{
	char buf[MAPI_ERRSTR_BUFSIZE];
	char small[5];

	assert_string_equal(mapi_errstr(0x12345678), "unknown MAPI error");
	assert_ptr_equal(mapi_errstr_buf(0x12345678, buf, sizeof(buf)), buf);
	assert_string_equal(buf, "0x12345678");
	assert_string_equal(mapi_errstr_buf(0xDEADBEEF, buf, sizeof(buf)), "0xDEADBEEF");
	assert_string_equal(mapi_errstr_buf(0xDEADBEEF, small, sizeof(small)), "0xDE");
	assert_string_equal(mapi_errstr_buf(0xDEADBEEF, NULL, 0), "unknown MAPI error");
	assert_null(mapi_errdesc(0x12345678));
}

/* [MS-OXCROPS] 2.2.2 and the per-ROP "RopId ... set to" statements. */
static void test_ropids_from_spec(void **state)
{
	unsigned int id, named = 0;

	assert_int_equal(RopRelease, 0x01);
	assert_int_equal(RopGetMessageStatus, 0x1F);
	assert_int_equal(RopSetMessageStatus, 0x20);
	assert_int_equal(RopSetReceiveFolder, 0x26);
	assert_int_equal(RopGetValidAttachments, 0x52);
	assert_int_equal(RopOptionsData, 0x6F);
	assert_int_equal(RopResetTable, 0x81);
	assert_int_equal(RopBackoff, 0xF9);
	assert_int_equal(RopLogon, 0xFE);
	assert_int_equal(RopBufferTooSmall, 0xFF);

	assert_string_equal(rop_name(0xFE), "RopLogon");
	assert_string_equal(rop_name(RopRelease), "RopRelease");
	assert_null(rop_name(0x00));
	for (id = 0; id <= 0xFF; id++) {
		named += rop_name((uint8_t)id) != NULL;
	}
	assert_int_equal(named, MAPI_ROPIDS_COUNT);
	assert_int_equal(MAPI_ROPIDS_COUNT, 132);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proptags_from_spec),
		cmocka_unit_test(test_proptags_alternate_names),
		cmocka_unit_test(test_proptag_name_fallbacks),
		cmocka_unit_test(test_proptag_shared_ids),
		cmocka_unit_test(test_proptags_round_trip),
		cmocka_unit_test(test_proptags_unknown),
		cmocka_unit_test(test_proptypes),
		cmocka_unit_test(test_namedprops_from_spec),
		cmocka_unit_test(test_namedprops_round_trip),
		cmocka_unit_test(test_namedprops_unknown),
		cmocka_unit_test(test_guids_fit_samba),
		cmocka_unit_test(test_errors_from_spec),
		cmocka_unit_test(test_errors_round_trip),
		cmocka_unit_test(test_errors_unknown),
		cmocka_unit_test(test_ropids_from_spec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
