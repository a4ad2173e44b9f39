/*
 * menu_main.c - ipsecgw-setup's entry point: the options, the IPSec main
 * menu (G1, G2, the submenus of G3) and the advanced settings (A).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "menu.h"

#define DEFAULT_AGENT "udp:127.0.0.1:1161"

/* TruthValue: true(1), false(2), shown the Bintec way. */
const struct menu_choice menu_yesno[2] = {{2, "no"}, {1, "yes"}};

enum {
	L_PRE = MENU_ID_FIRST_LINK,
	L_PEERS,
	L_POST,
	L_IKE_EDIT,
	L_IPSEC_EDIT,
	L_CERT,
	L_ADV,
	L_WIZARD,
	L_MON,
};

static void
usage(FILE *out)
{
	fprintf(out,
	        "usage: ipsecgw-setup [--agent udp:HOST:PORT] [SNMP options]\n"
	        "\n"
	        "The Setup Tool of ipsecgw: a text menu that configures and\n"
	        "monitors ipsecgwd over SNMP (default agent %s).\n"
	        "\n"
	        "SNMP options are Net-SNMP's; without them the defaults of\n"
	        "snmp.conf apply (defVersion, defCommunity, defSecurityName, "
	        "...):\n"
	        "  -v 2c -c COMMUNITY\n"
	        "  -v 3 -u USER -l authPriv -a SHA -A PASS -x AES -X PASS\n"
	        "  -r RETRIES -t TIMEOUT\n"
	        "\n"
	        "Keys: cursor keys move, <Return> edits or opens, <Space>\n"
	        "cycles a choice, <Esc> leaves a screen.\n",
	        DEFAULT_AGENT);
}

/*
 * Takes --agent and --help out of argv (the rest goes to Net-SNMP's
 * option parser).  Returns the new argc, or -1 to exit.
 */
static int
take_own_options(int argc, char **argv, const char **agent)
{
	int i, n = 1;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--agent") == 0 && i + 1 < argc) {
			*agent = argv[++i];
		} else if (strncmp(argv[i], "--agent=", 8) == 0) {
			*agent = argv[i] + 8;
		} else if (strcmp(argv[i], "--help") == 0 ||
		           strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return -1;
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	return n;
}

static const int glob_main_cols[] = {
    MENU_COL_ipsecGlobEnable,
    MENU_COL_ipsecGlobDefaultIkeProfile,
    MENU_COL_ipsecGlobDefaultIpsecProfile,
};

/* The main menu of the seed (G1-G3): fields, submenus and buttons. */
static void
build_main(struct menu_form *fm, struct menu_rec *g, struct menu_chlist *ike,
           struct menu_chlist *ipsec)
{
	struct menu_field *f;

	menu_form_init(fm, "[IPSEC]", "IPsec Configuration - Main Menu");
	f = menu_add_bound(fm, MENU_F_ENUM, 3, 2, "Enable IPSec     :", 21, 5,
	                   g, MENU_COL_ipsecGlobEnable);
	menu_field_choices(f, menu_yesno, 2);
	f->help = "no: nothing is processed by IPsec; <Space> to select";
	menu_add_link(fm, 5, 2, "Pre IPSec Rules >", L_PRE);
	menu_add_link(fm, 6, 2, "Configure Peers >", L_PEERS);
	menu_add_link(fm, 7, 2, "Post IPSec Rules >", L_POST);
	f = menu_add_bound(fm, MENU_F_ENUM, 9, 2, "IKE (Phase 1) Defaults", 27,
	                   22, g, MENU_COL_ipsecGlobDefaultIkeProfile);
	menu_field_choices(f, ike->c, ike->n);
	f->help = "The IKE profile of peers without their own; <Space> to "
	          "select";
	menu_add_link(fm, 9, 51, "edit >", L_IKE_EDIT);
	f = menu_add_bound(fm, MENU_F_ENUM, 10, 2, "IPsec (Phase 2) Defaults",
	                   27, 22, g, MENU_COL_ipsecGlobDefaultIpsecProfile);
	menu_field_choices(f, ipsec->c, ipsec->n);
	f->help = "The IPsec profile of peers without their own; <Space> to "
	          "select";
	menu_add_link(fm, 10, 51, "edit >", L_IPSEC_EDIT);
	menu_add_link(fm, 11, 2, "Certificate and Key Management >", L_CERT);
	menu_add_link(fm, 13, 2, "Advanced Settings >", L_ADV);
	menu_add_link(fm, 14, 2, "Wizard >", L_WIZARD);
	menu_add_link(fm, 16, 2, "Monitoring >", L_MON);
	menu_add_button(fm, 18, 10, "SAVE", MENU_ID_SAVE);
	menu_add_button(fm, 18, 34, "CANCEL", MENU_ID_CANCEL);
	menu_add_button(fm, 18, 58, "EXIT", MENU_ID_EXIT);
	fm->cur = 0;
}

/* The profiles the defaults can be chosen from (G2). */
static void
load_choices(struct menu_chlist *ike, struct menu_chlist *ipsec)
{
	menu_chlist_table(ike, MENU_IKEPROF, MENU_COL_ikeProfileDescription,
	                  "none (built-in)");
	menu_chlist_table(ipsec, MENU_IPSECPROF,
	                  MENU_COL_ipsecProfileDescription, "none (built-in)");
}

static const int adv_cols[] = {
    MENU_COL_ipsecGlobIgnoreCrPayloads,  MENU_COL_ipsecGlobNoCrPayloads,
    MENU_COL_ipsecGlobNoCertChains,      MENU_COL_ipsecGlobNoCrls,
    MENU_COL_ipsecGlobNoKeyHashPayloads, MENU_COL_ipsecGlobTrustIcmpMsg,
    MENU_COL_ipsecGlobNoInitialContact,  MENU_COL_ipsecGlobSyncSas,
    MENU_COL_ipsecGlobMaxKeyLength,      MENU_COL_ipsecGlobZeroCookies,
    MENU_COL_ipsecGlobCookieSize,        MENU_COL_ipsecGlobRadiusAuth,
};

static const char *const adv_labels[] = {
    "Ignore Cert Req Payloads  :", "Don't Send Cert Req Payl. :",
    "Don't Send Cert Chains    :", "Don't Send CRLs           :",
    "Don't Send Key Hash Payl. :", "Trust ICMP Messages       :",
    "Don't Send Initial Contact:", "Sync SAs With Local Ifc   :",
    "Max. Symmetric Key Length :", "Use Zero Cookies          :",
    "Cookies Size              :", "RADIUS Authentication     :",
};

static const struct menu_choice enadis[] = {{2, "disabled"}, {1, "enabled"}};

/* The advanced settings (A): interoperability flags of the engine. */
static void
screen_advanced(void)
{
	struct menu_form fm;
	struct menu_rec g;
	char err[100];
	size_t i;

	menu_rec_init(&g, MENU_GLOB, 0, 0);
	menu_form_init(&fm, "[IPSEC][ADVANCED]",
	               "IPSec Configuration - Advanced Settings");
	if (menu_rec_load(&g, adv_cols, (int)MENU_N(adv_cols), err,
	                  sizeof(err)) != 0)
		menu_status(&fm, "%s", err);
	for (i = 0; i < MENU_N(adv_cols); i++) {
		int c = adv_cols[i], row = 3 + (int)i + (i >= 4);
		int num = c == MENU_COL_ipsecGlobMaxKeyLength ||
		          c == MENU_COL_ipsecGlobCookieSize;
		struct menu_field *f =
		    menu_add_bound(&fm, num ? MENU_F_INT : MENU_F_ENUM, row, 2,
		                   adv_labels[i], 31, 10, &g, c);

		if (c == MENU_COL_ipsecGlobRadiusAuth)
			menu_field_choices(f, enadis, 2);
		else if (!num)
			menu_field_choices(f, menu_yesno, 2);
	}
	menu_add_button(&fm, 17, 15, "SAVE", MENU_ID_SAVE);
	menu_add_button(&fm, 17, 45, "CANCEL", MENU_ID_CANCEL);
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_CANCEL)
			return;
		if (act == MENU_ID_SAVE && menu_save(&fm, &g) == 0)
			return;
	}
}

/* Re-reads the main menu's values (CANCEL, or after a submenu). */
static void
reload_main(struct menu_form *fm, struct menu_rec *g)
{
	char err[100];

	if (menu_rec_load(g, glob_main_cols, (int)MENU_N(glob_main_cols), err,
	                  sizeof(err)) != 0)
		menu_status(fm, "%s", err);
}

/* Opens the submenu a main menu entry names. */
static void
main_link(struct menu_form *fm, struct menu_rec *g, int act)
{
	switch (act) {
	case L_PRE:
		menu_screen_traffic(MENU_E_ipsecTrList_preRules, 0,
		                    "[IPSEC][PRE IPSEC TRAFFIC]");
		break;
	case L_PEERS:
		menu_screen_peers();
		break;
	case L_POST:
		menu_screen_traffic(MENU_E_ipsecTrList_postRules, 0,
		                    "[IPSEC][POST IPSEC TRAFFIC]");
		break;
	case L_IKE_EDIT:
		menu_screen_ike_profiles("[IPSEC][PHASE1]");
		break;
	case L_IPSEC_EDIT:
		menu_screen_ipsec_profiles("[IPSEC][PHASE2]");
		break;
	case L_ADV:
		screen_advanced();
		break;
	case L_MON:
		menu_screen_monitoring();
		break;
	case L_CERT:
		menu_screen_certs();
		break;
	case L_WIZARD:
		menu_screen_wizard();
		reload_main(fm, g);
		break;
	default:
		break;
	}
}

/* The IPSec main menu; returns when the user leaves the tool. */
void
menu_screen_main(void)
{
	struct menu_form fm;
	struct menu_rec g;
	struct menu_chlist ike, ipsec;

	menu_rec_init(&g, MENU_GLOB, 0, 0);
	load_choices(&ike, &ipsec);
	build_main(&fm, &g, &ike, &ipsec);
	reload_main(&fm, &g);
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_EXIT)
			return;
		if (act == MENU_ID_SAVE) {
			menu_save(&fm, &g);
		} else if (act == MENU_ID_CANCEL) {
			reload_main(&fm, &g);
			menu_status(&fm, "Changes discarded.");
		} else if (act >= MENU_ID_FIRST_LINK) {
			main_link(&fm, &g, act);
			load_choices(&ike, &ipsec);
			menu_field_choices(&fm.f[4], ike.c, ike.n);
			menu_field_choices(&fm.f[6], ipsec.c, ipsec.n);
		}
	}
}

/* Options, the SNMP session, then the main menu until EXIT. */
int
main(int argc, char **argv)
{
	const char *agent = DEFAULT_AGENT;

	argc = take_own_options(argc, argv, &agent);
	if (argc < 0)
		return 0;
	if (menu_snmp_open(argc, argv, agent) != 0) {
		usage(stderr);
		return 1;
	}
	if (menu_ui_start() != 0) {
		menu_snmp_close();
		return 1;
	}
	menu_screen_main();
	menu_ui_end();
	menu_snmp_close();
	return 0;
}
