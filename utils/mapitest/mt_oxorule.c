/*
 * mapitest OXORULE: server-side rules (MS-OXORULE 3.2.5).  Probes of
 * RopGetRulesTable and RopModifyRules, which the server does not build
 * yet: skipped while it answers ecNotSupported, and checked against the
 * rules table once it answers success.  Rules go on a scratch folder,
 * deleted with them when the test ends.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/rop_session.h"

#define PidTagRuleId 0x66740014u
#define PidTagRuleSequence 0x66760003u
#define PidTagRuleState 0x66770003u
#define PidTagRuleCondition 0x667900FDu
#define PidTagRuleActions 0x668000FEu
#define PidTagRuleProvider 0x6681001Fu
#define PidTagRuleName 0x6682001Fu
#define PidTagSubject 0x0037001Fu
#define ROW_ADD 0x01			/* MS-OXORULE 2.2.1 RuleDataFlags */
#define ROW_REMOVE 0x04
#define ST_ENABLED 0x00000001u		/* 2.2.1.3.1.3 PidTagRuleState */
#define OP_MARK_AS_READ 0x0B		/* 2.2.5.1.1 ActionType */

/*
 * The rules table of the folder in slot 1 in slot 3 with the columns
 * PidTagRuleId, PidTagRuleName; *rows its rows.
 */
static enum mt_result rules(struct mt_test *t, struct mt_logon *lg, struct rop_response *rows)
{
	static const uint32_t cols[] = { PidTagRuleId, PidTagRuleName };
	struct rop_request req = mt_request(RopGetRulesTable);
	struct rop_response resp;

	req.u.get_rules_table.input_handle_index = 1;
	req.u.get_rules_table.output_handle_index = 3;
	req.u.get_rules_table.table_flags = 0x40;	/* Unicode (2.2.2.2.1) */
	if (mt_rop(t, lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_rules_table.return_value == MAPI_E_SUCCESS, "RopGetRulesTable: %s",
		  mt_status(t, resp.u.get_rules_table.return_value));
	req = mt_request(RopSetColumns);
	req.u.set_columns.input_handle_index = 3;
	req.u.set_columns.property_tag_count = 2;
	req.u.set_columns.property_tags = (uint32_t *)cols;
	if (mt_rop(t, lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.set_columns.return_value == MAPI_E_SUCCESS,
		  "RopSetColumns on the rules table: %s", mt_status(t, resp.u.set_columns.return_value));
	if (mt_query_rows(t, lg, 3, true, 0, 100, rows) != MT_PASS) {
		return t->result;
	}
	mt_drop(t, lg, 3);
	return MT_PASS;
}

/* MS-OXORULE 3.2.5.2: a folder no rule was added to has an empty rules table */
static enum mt_result t_new_folder_has_no_rules(struct mt_test *t)
{
	struct rop_response rows;
	struct mt_logon lg;
	uint64_t fid;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS || mt_scratch_folder(t, &lg, 1, &fid) != MT_PASS ||
	    rules(t, &lg, &rows) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, rows.u.query_rows.u.ok.row_count, 0, "rules of a new folder");
	return MT_PASS;
}

/*
 * MS-OXORULE 3.2.5.1, 3.2.5.2: a rule added with RopModifyRules (ROW_ADD)
 * is a row of the rules table, with a PidTagRuleId the server assigned;
 * ROW_REMOVE of that id takes it away.
 */
static enum mt_result t_add_then_remove_rule(struct mt_test *t)
{
	struct rop_request req = mt_request(RopModifyRules);
	struct rop_response resp, rows;
	struct rop_rule_data rule;
	struct mapi_propval values[6];
	struct mapi_restriction condition;
	struct mapi_action_block action;
	struct mapi_rule_actions actions;
	struct mt_logon lg;
	uint64_t fid, rule_id = 0;
	const char *name;
	uint16_t i;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS || mt_scratch_folder(t, &lg, 1, &fid) != MT_PASS) {
		return t->result;
	}
	name = mt_unique_name(t, "rule");
	memset(&condition, 0, sizeof(condition));
	condition.type = MAPI_RES_EXIST;
	condition.u.exist.tag = PidTagSubject;
	memset(&action, 0, sizeof(action));
	action.type = OP_MARK_AS_READ;
	actions.count = 1;
	actions.blocks = &action;
	values[0].tag = PidTagRuleSequence;
	values[0].value.i32 = 10;
	values[1].tag = PidTagRuleState;
	values[1].value.i32 = ST_ENABLED;
	values[2].tag = PidTagRuleName;
	values[2].value.string = (char *)name;
	values[3].tag = PidTagRuleProvider;
	values[3].value.string = talloc_strdup(t->mem, "RuleOrganizer");
	values[4].tag = PidTagRuleCondition;
	values[4].value.restriction = &condition;
	values[5].tag = PidTagRuleActions;
	values[5].value.rule_actions = &actions;
	rule.rule_data_flags = ROW_ADD;
	rule.property_value_count = 6;
	rule.property_values = values;
	req.u.modify_rules.input_handle_index = 1;
	req.u.modify_rules.rules_count = 1;
	req.u.modify_rules.rules_data = &rule;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.modify_rules.return_value == MAPI_E_SUCCESS, "RopModifyRules(ROW_ADD): %s",
		  mt_status(t, resp.u.modify_rules.return_value));
	if (rules(t, &lg, &rows) != MT_PASS) {
		return t->result;
	}
	for (i = 0; i < rows.u.query_rows.u.ok.row_count; i++) {
		const struct mapi_property_row *row = &rows.u.query_rows.u.ok.row_data[i];

		if (row->count == 2 && row->values[1].flag == MAPI_PROPVAL_PRESENT &&
		    row->values[1].pv.value.string != NULL &&
		    strcmp(row->values[1].pv.value.string, name) == 0 &&
		    row->values[0].flag == MAPI_PROPVAL_PRESENT) {
			rule_id = row->values[0].pv.value.i64;
		}
	}
	MT_EXPECT(t, rule_id != 0, "the rules table (%u rows) has no rule '%s' with a PidTagRuleId",
		  rows.u.query_rows.u.ok.row_count, name);
	values[0].tag = PidTagRuleId;
	values[0].value.i64 = rule_id;
	rule.rule_data_flags = ROW_REMOVE;
	rule.property_value_count = 1;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || rules(t, &lg, &rows) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.modify_rules.return_value == MAPI_E_SUCCESS,
		  "RopModifyRules(ROW_REMOVE): %s", mt_status(t, resp.u.modify_rules.return_value));
	MT_EXPECT_EQ(t, rows.u.query_rows.u.ok.row_count, 0, "rules after removing the only one");
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "new_folder_has_no_rules", "MS-OXORULE 3.2.5.2",
	  "the rules table of a folder no rule was added to is empty", t_new_folder_has_no_rules },
	{ "add_then_remove_rule", "MS-OXORULE 3.2.5.1, 3.2.5.2",
	  "a rule added with RopModifyRules is listed with a PidTagRuleId; removing it unlists it",
	  t_add_then_remove_rule },
};

const struct mt_family mt_family_oxorule = {
	"OXORULE", "server-side rules (skipped while the server answers ecNotSupported)", true,
	tests, MT_COUNT(tests),
};
