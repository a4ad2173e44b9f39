/*
 * menu_wizard.c - the IPSec Wizard (W): a menu with the configuration
 * history and "What to do?" (start / skip / abort / clear config / dump
 * messages), and the steps of seed 002 section 9 as small forms: the
 * authentication method; for certificates a key pair, a certificate
 * request, the own and the CA certificate and a CRL server (the screens
 * of Certificate and Key Management with SKIP, each acting at once: the
 * CA has to sign the request in between); then the peer and its traffic.
 * Peer, traffic entry and, for certificates, an IKE profile with the
 * signature method and the certificates are created in ONE SET at the
 * end.  The history is kept in memory for the life of the program; it
 * never contains the pre-shared key.
 */
#include <stdio.h>
#include <string.h>

#include "menu.h"

#define HIST_MAX  200
#define DUMP_FILE "ipsecgw-wizard.txt"

enum { W_START = 1, W_SKIP, W_ABORT, W_CLEAR, W_DUMP };
enum { ID_SELECT = MENU_ID_FIRST_LINK, ID_NEXT, ID_BACK };
enum {
	STEP_NONE,
	STEP_AUTH,
	STEP_KEY,
	STEP_REQ,
	STEP_OWN,
	STEP_CA,
	STEP_SRV,
	STEP_PEER,
	STEP_TRAFFIC,
};

/* The methods offered, as ikeProfileAuthMethod values. */
#define AUTH_PSK MENU_E_ikeProfileAuthMethod_preSharedKey
#define AUTH_DSA MENU_E_ikeProfileAuthMethod_dsaSignature
#define AUTH_RSA MENU_E_ikeProfileAuthMethod_rsaSignature

static const struct menu_choice auth_ch[] = {
    {AUTH_PSK, "Pre Shared Keys"},
    {AUTH_RSA, "RSA Signatures"},
    {AUTH_DSA, "DSA Signatures"},
};

static const char *const step_names[] = {
    [STEP_AUTH] = "Authentication",
    [STEP_KEY] = "Key Pair",
    [STEP_REQ] = "Request Certificate",
    [STEP_OWN] = "Own Certificate",
    [STEP_CA] = "CA Certificate",
    [STEP_SRV] = "CRL Server",
    [STEP_PEER] = "Peer",
    [STEP_TRAFFIC] = "Traffic",
};

static const struct menu_choice todo_ch[] = {
    {W_START, "start wizard"}, {W_SKIP, "skip"},          {W_ABORT, "abort"},
    {W_CLEAR, "clear config"}, {W_DUMP, "dump messages"},
};

/* What the wizard collected so far; survives leaving the screen. */
static struct {
	char hist[HIST_MAX][MENU_COLS + 1];
	int nhist;
	int step;
	struct menu_val auth; /* AUTH_* */
	int key, own, ca;     /* rows made or found on the way, or 0 */
	struct menu_rec peer;
	struct menu_rec tr;
	struct menu_rec ike; /* the IKE profile of a certificate method */
} wz;

static const char *const wz_peer_labels[MENU_MAXCOL] = {
    [MENU_COL_ipsecPeerDescription] = "Description",
    [MENU_COL_ipsecPeerAddress] = "Peer Address",
    [MENU_COL_ipsecPeerIds] = "Peer IDs",
    [MENU_COL_ipsecPeerPreSharedKey] = "Pre Shared Key",
};

static const char *const wz_tr_labels[MENU_MAXCOL] = {
    [MENU_COL_ipsecTrLocalAddress] = "Local Network",
    [MENU_COL_ipsecTrLocalMaskLen] = "Local Mask Bits",
    [MENU_COL_ipsecTrRemoteAddress] = "Remote Network",
    [MENU_COL_ipsecTrRemoteMaskLen] = "Remote Mask Bits",
};

/* The next free history line, dropping the oldest when full. */
static char *
hist_next(void)
{
	if (wz.nhist == HIST_MAX) {
		memmove(wz.hist[0], wz.hist[1],
		        sizeof(wz.hist[0]) * (HIST_MAX - 1));
		wz.nhist--;
	}
	return wz.hist[wz.nhist++];
}

/* Appends a line to the history (printf format). */
#define hist_add(...) snprintf(hist_next(), MENU_COLS + 1, __VA_ARGS__)

/* Shows the history in the list, scrolled to its end. */
static void
hist_show(struct menu_list *l, int height)
{
	int i;

	menu_list_alloc(l, wz.nhist);
	for (i = 0; i < wz.nhist; i++)
		snprintf(l->lines[i], sizeof(l->lines[i]), "%s", wz.hist[i]);
	l->sel = wz.nhist > 0 ? wz.nhist - 1 : 0;
	l->top = wz.nhist > height ? wz.nhist - height : 0;
}

/* The name of an authentication method for the history. */
#define AUTH_NAME(v) menu_choice_label(auth_ch, MENU_N(auth_ch), v)

/* The checks of the seed's first, non-interactive part (defaults). */
static void
check_defaults(void)
{
	struct menu_val v = {.t = MENU_V_NONE}, m = {.t = MENU_V_NONE};

	hist_add("+ Check default IKE profile ...");
	if (menu_get_scalar(MENU_GLOB, MENU_COL_ipsecGlobDefaultIkeProfile,
	                    &v) == 0 &&
	    v.i != 0)
		hist_add("  already configured (profile %lld)", (long long)v.i);
	else
		hist_add("  none: the built-in defaults are used");
	hist_add("+ Check default IPSec profile ...");
	if (menu_get_scalar(MENU_GLOB, MENU_COL_ipsecGlobDefaultIpsecProfile,
	                    &m) == 0 &&
	    m.i != 0)
		hist_add("  already configured (profile %lld)", (long long)m.i);
	else
		hist_add("  none: the built-in defaults are used");
	hist_add("+ Check IPSEC Default Authentication Method ...");
	wz.auth = (struct menu_val){.t = MENU_V_INT, .i = AUTH_PSK};
	if (v.i != 0) {
		struct menu_rec p;
		static const int cols[] = {MENU_COL_ikeProfileAuthMethod};
		char err[80];

		menu_rec_init(&p, MENU_IKEPROF, (int)v.i, 0);
		if (menu_rec_load(&p, cols, 1, err, sizeof(err)) == 0 &&
		    strcmp(AUTH_NAME(
		               menu_rec_int(&p, MENU_COL_ikeProfileAuthMethod)),
		           "?") != 0)
			wz.auth.i =
			    menu_rec_int(&p, MENU_COL_ikeProfileAuthMethod);
	}
	hist_add("  Currently set to \"%s\"", AUTH_NAME(wz.auth.i));
}

/* Starts a new run: empty records for the peer and its traffic entry. */
static void
wz_begin(void)
{
	menu_rec_init(&wz.peer, MENU_PEER, 0, MENU_COL_ipsecPeerRowStatus);
	wz.peer.labels = wz_peer_labels;
	wz.peer.is_new = 1;
	menu_rec_init(&wz.tr, MENU_TR, 0, MENU_COL_ipsecTrRowStatus);
	wz.tr.labels = wz_tr_labels;
	wz.tr.is_new = 1;
	menu_rec_init(&wz.ike, MENU_IKEPROF, 0, MENU_COL_ikeProfileRowStatus);
	wz.ike.is_new = 1;
	menu_rec_setint(&wz.tr, MENU_COL_ipsecTrLocalMaskLen, 24);
	menu_rec_setint(&wz.tr, MENU_COL_ipsecTrRemoteMaskLen, 24);
	wz.key = wz.own = wz.ca = 0;
	wz.step = STEP_AUTH;
	hist_add("+ IPsec 1st step configuration started");
	check_defaults();
}

static int
with_certs(void)
{
	return wz.auth.i != AUTH_PSK;
}

/* The step's number and (in *total) how many there are. */
static int
step_no(int step, int *total)
{
	*total = with_certs() ? 8 : 3;
	if (with_certs())
		return step;
	return step == STEP_AUTH ? 1 : step == STEP_PEER ? 2 : 3;
}

/* "IPsec Wizard - Step 3 of 8: Request Certificate" for the step. */
static void
step_title(int step, char *buf, size_t len)
{
	int total, n = step_no(step, &total);

	snprintf(buf, len, "IPsec Wizard - Step %d of %d: %s", n, total,
	         step_names[step]);
}

/* The number of steps follows the method chosen. */
static void
auth_update(struct menu_form *fm)
{
	step_title(STEP_AUTH, fm->title, sizeof(fm->title));
}

/* Step 1: pre-shared keys or signatures.  ID_NEXT or MENU_ID_CANCEL. */
static int
step_auth(void)
{
	struct menu_form fm;
	struct menu_field *f;

	menu_form_init(&fm, "[IPSEC][WIZARD][AUTH]", "");
	fm.update = auth_update;
	menu_add(&fm, MENU_F_LABEL, 3, 3,
	         "How do this gateway and the peer prove who they are?", 0, 0);
	f = menu_add(&fm, MENU_F_ENUM, 5, 5, "Authentication Method:", 29, 20);
	f->lv = &wz.auth;
	menu_field_choices(f, auth_ch, (int)MENU_N(auth_ch));
	f->help = "<Space> to choose, <Return> to see all choices";
	menu_add(&fm, MENU_F_LABEL, 7, 5,
	         "Pre Shared Keys: a pass phrase agreed with the peer.", 0, 0);
	menu_add(&fm, MENU_F_LABEL, 8, 5,
	         "Signatures: the wizard creates a key pair, requests a", 0, 0);
	menu_add(&fm, MENU_F_LABEL, 9, 5,
	         "certificate for it and imports it with the CA's.", 0, 0);
	menu_add_button(&fm, 12, 20, "NEXT", ID_NEXT);
	menu_add_button(&fm, 12, 50, "CANCEL", MENU_ID_CANCEL);
	fm.cur = 1;
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_CANCEL || act == ID_NEXT)
			return act;
	}
}

/* The step's screen settings: path, title, a line, SKIP. */
static void
cert_step(struct menu_step *st, int step, const char *path, char *title,
          size_t len, const char *intro)
{
	step_title(step, title, len);
	st->path = path;
	st->title = title;
	st->intro = intro;
	st->skip = 1;
}

/*
 * The newest usable key of the method's algorithm (one still being
 * generated is taken too: its request waits until it is ready), or 0.
 */
static int
find_key(int64_t alg)
{
	static const unsigned long oid_key[] = {MENU_OID_ipsecKeyEntry};
	static const int cols[] = {MENU_COL_ipsecKeyAlgorithm,
	                           MENU_COL_ipsecKeyState};
	struct menu_table t;
	char err[80];
	int i, key = 0;

	if (menu_table_read(oid_key, MENU_OIDLEN_ipsecKeyEntry, cols, 2, &t,
	                    err, sizeof(err)) != 0)
		return 0;
	for (i = 0; i < t.n; i++)
		if (menu_table_get(&t, i, 0)->i == alg &&
		    menu_table_get(&t, i, 1)->i != MENU_E_ipsecKeyState_failed)
			key = t.index[i];
	menu_table_free(&t);
	return key;
}

/* Step 2: a key pair for the certificate (SKIP: the newest one). */
static int
step_key(struct menu_form *menu)
{
	struct menu_step st;
	char title[60];
	int64_t alg = wz.auth.i == AUTH_DSA ? MENU_E_ipsecKeyAlgorithm_dsa
	                                    : MENU_E_ipsecKeyAlgorithm_rsa;
	int idx = 0, rc;

	cert_step(&st, STEP_KEY, "[IPSEC][WIZARD][KEYS][CREATE]", title,
	          sizeof(title),
	          "A key pair for your certificate (SKIP: use the newest key)");
	rc = menu_key_create(&st, (int)alg, &idx);
	if (rc == MENU_STEP_CANCEL)
		return -1;
	if (rc == MENU_STEP_SKIP) {
		idx = find_key(alg);
		if (idx == 0) {
			menu_status(menu, "No %s key yet: create one.",
			            alg == MENU_E_ipsecKeyAlgorithm_dsa
			                ? "DSA"
			                : "RSA");
			return -1;
		}
		hist_add("+ Using key %d", idx);
	} else {
		hist_add("+ Key %d created", idx);
	}
	wz.key = idx;
	wz.step = STEP_REQ;
	return 0;
}

/* What the wizard reads of a certificate row. */
struct certinfo {
	int64_t type, key, state, nocrls;
	char subject[MENU_STRMAX];
	char issuer[MENU_STRMAX];
};

/* Walks the certificate table; calls fn for each row until it says 1. */
static int
each_cert(int (*fn)(int index, const struct certinfo *c, void *arg), void *arg)
{
	static const int cols[] = {
	    MENU_COL_ipsecCertType,    MENU_COL_ipsecCertKey,
	    MENU_COL_ipsecCertState,   MENU_COL_ipsecCertNoCrls,
	    MENU_COL_ipsecCertSubject, MENU_COL_ipsecCertIssuer,
	};
	struct menu_table t;
	char err[80];
	int i, found = 0;

	if (menu_table_read(MENU_CERT, cols, (int)MENU_N(cols), &t, err,
	                    sizeof(err)) != 0)
		return 0;
	for (i = 0; i < t.n && !found; i++) {
		struct certinfo c;

		c.type = menu_table_get(&t, i, 0)->i;
		c.key = menu_table_get(&t, i, 1)->i;
		c.state = menu_table_get(&t, i, 2)->i;
		c.nocrls = menu_table_get(&t, i, 3)->i;
		snprintf(c.subject, sizeof(c.subject), "%s",
		         menu_table_get(&t, i, 4)->s);
		snprintf(c.issuer, sizeof(c.issuer), "%s",
		         menu_table_get(&t, i, 5)->s);
		found = fn(t.index[i], &c, arg) ? t.index[i] : 0;
	}
	menu_table_free(&t);
	return found;
}

static int
own_of_key(int index, const struct certinfo *c, void *arg)
{
	(void)index;
	return c->type == MENU_E_ipsecCertType_own && c->key == *(int *)arg;
}

/* The key of a request. */
static int
req_key(int index)
{
	static const unsigned long oid_req[] = {MENU_OID_ipsecCertReqEntry};
	static const int cols[] = {MENU_COL_ipsecCertReqKey};
	struct menu_rec r;
	char err[80];

	menu_rec_init(&r, oid_req, MENU_OIDLEN_ipsecCertReqEntry, index, 0);
	if (menu_rec_load(&r, cols, 1, err, sizeof(err)) != 0)
		return 0;
	return (int)menu_rec_int(&r, MENU_COL_ipsecCertReqKey);
}

/* Step 3: a request for the key, unless it has its certificate already. */
static int
step_req(void)
{
	struct menu_step st;
	char title[60];
	int idx = 0, rc, own = each_cert(own_of_key, &wz.key);

	if (own != 0) {
		hist_add("+ Own certificate %d is installed for key %d", own,
		         wz.key);
		wz.own = own;
		wz.step = STEP_CA;
		return 0;
	}
	cert_step(&st, STEP_REQ, "[IPSEC][WIZARD][ENROLL]", title,
	          sizeof(title),
	          "A PKCS#10 request for the key, for your CA to sign");
	rc = menu_req_create(&st, wz.key, &idx);
	if (rc == MENU_STEP_CANCEL)
		return -1;
	if (rc == MENU_STEP_DONE && wz.key == 0)
		wz.key = req_key(idx); /* the operator chose it */
	if (rc == MENU_STEP_DONE) {
		hist_add("+ Certificate request %d for key %d made", idx,
		         wz.key);
		hist_add("  Import the certificate when the CA has issued it");
	} else {
		hist_add("- Request step skipped");
	}
	wz.step = STEP_OWN;
	return 0;
}

/* Reads one certificate row for the history. */
static void
cert_info(int index, struct certinfo *c)
{
	static const int cols[] = {
	    MENU_COL_ipsecCertKey, MENU_COL_ipsecCertState,
	    MENU_COL_ipsecCertSubject, MENU_COL_ipsecCertIssuer};
	struct menu_rec r;
	char err[80];

	memset(c, 0, sizeof(*c));
	menu_rec_init(&r, MENU_CERT, index, 0);
	if (menu_rec_load(&r, cols, (int)MENU_N(cols), err, sizeof(err)) != 0)
		return;
	c->key = menu_rec_int(&r, MENU_COL_ipsecCertKey);
	c->state = menu_rec_int(&r, MENU_COL_ipsecCertState);
	snprintf(c->subject, sizeof(c->subject), "%s",
	         menu_rec_str(&r, MENU_COL_ipsecCertSubject));
	snprintf(c->issuer, sizeof(c->issuer), "%s",
	         menu_rec_str(&r, MENU_COL_ipsecCertIssuer));
}

/* Step 4: the certificate the CA issued (CANCEL: continue later). */
static int
step_own(void)
{
	struct menu_step st;
	struct certinfo c;
	char title[60];
	int idx = 0, rc;

	cert_step(&st, STEP_OWN, "[IPSEC][WIZARD][OWN]", title, sizeof(title),
	          "Your certificate from the CA (CANCEL: continue later)");
	rc = menu_cert_import(&st, MENU_E_ipsecCertType_own, &idx);
	if (rc == MENU_STEP_CANCEL)
		return -1;
	if (rc == MENU_STEP_DONE) {
		cert_info(idx, &c);
		hist_add("+ Own certificate %d imported (key %lld)", idx,
		         (long long)c.key);
		hist_add("  %.74s", c.subject);
		wz.own = idx;
	} else {
		hist_add("- Own certificate step skipped");
	}
	wz.step = STEP_CA;
	return 0;
}

static int
ca_named(int index, const struct certinfo *c, void *arg)
{
	(void)index;
	return c->type == MENU_E_ipsecCertType_ca &&
	       strcmp(c->subject, (const char *)arg) == 0;
}

/* Step 5: the CA's certificate, unless the one that issued ours is in. */
static int
step_ca(void)
{
	struct menu_step st;
	struct certinfo c = {0};
	char title[60];
	int idx = 0, rc;

	if (wz.own != 0)
		cert_info(wz.own, &c);
	if (c.issuer[0] != '\0' && (idx = each_cert(ca_named, c.issuer)) != 0) {
		hist_add("+ CA certificate %d is installed: %.34s", idx,
		         c.issuer);
		wz.ca = idx;
		wz.step = STEP_SRV;
		return 0;
	}
	cert_step(&st, STEP_CA, "[IPSEC][WIZARD][CA]", title, sizeof(title),
	          "The certificate of the CA that issued yours");
	rc = menu_cert_import(&st, MENU_E_ipsecCertType_ca, &idx);
	if (rc == MENU_STEP_CANCEL)
		return -1;
	if (rc == MENU_STEP_DONE) {
		cert_info(idx, &c);
		hist_add("+ CA certificate %d imported: %.38s", idx, c.subject);
		wz.ca = idx;
	} else {
		hist_add("- CA certificate step skipped");
	}
	wz.step = STEP_SRV;
	return 0;
}

/* Step 6: a CRL server when the CA names no CRL distribution point. */
static int
step_srv(void)
{
	static const int cols[] = {MENU_COL_ipsecCertNoCrls};
	struct menu_step st;
	struct menu_rec r;
	char title[60], err[80];
	int idx = 0, rc;

	menu_rec_init(&r, MENU_CERT, wz.ca, 0);
	if (wz.ca == 0 || menu_rec_load(&r, cols, 1, err, sizeof(err)) != 0 ||
	    menu_rec_int(&r, MENU_COL_ipsecCertNoCrls) !=
	        MENU_E_ipsecCertNoCrls_true) {
		hist_add("+ CRLs: %s", wz.ca == 0
		                           ? "no CA certificate to check"
		                           : "the CA certificate says where");
		wz.step = STEP_PEER;
		return 0;
	}
	cert_step(
	    &st, STEP_SRV, "[IPSEC][WIZARD][SERVERS]", title, sizeof(title),
	    "The CA names no CRL distribution point: where are its CRLs?");
	rc = menu_srv_create(&st, &idx);
	if (rc == MENU_STEP_CANCEL)
		return -1;
	if (rc == MENU_STEP_DONE)
		hist_add("+ Certificate server %d for CRLs", idx);
	else
		hist_add("- No CRL server: revocations are not checked");
	wz.step = STEP_PEER;
	return 0;
}

/* Step: the peer.  Returns ID_NEXT or MENU_ID_CANCEL. */
static int
step_peer(const char *err)
{
	struct menu_form fm;
	struct menu_field *f;
	char title[60];

	step_title(STEP_PEER, title, sizeof(title));
	menu_form_init(&fm, "[IPSEC][WIZARD][PEER]", title);
	menu_add(&fm, MENU_F_LABEL, 3, 3,
	         "Which gateway do you want to connect to?", 0, 0);
	menu_add_bound(&fm, MENU_F_TEXT, 5, 5, "Description:", 24, 50, &wz.peer,
	               MENU_COL_ipsecPeerDescription)
	    ->help = "A name for the peer";
	menu_add_bound(&fm, MENU_F_TEXT, 6, 5, "Peer Address:", 24, 50,
	               &wz.peer, MENU_COL_ipsecPeerAddress)
	    ->help = "The peer's IP address or host name";
	f = menu_add_bound(&fm, MENU_F_TEXT, 7, 5, "Peer IDs:", 24, 50,
	                   &wz.peer, MENU_COL_ipsecPeerIds);
	f->help = with_certs() ? "The peer certificate's subject or alt name, "
	                         "e.g. CN=branch.example.net"
	                       : "IDs, comma-separated: address, FQDN, "
	                         "user@fqdn";
	if (!with_certs()) {
		f = menu_add_bound(&fm, MENU_F_SECRET, 8, 5,
		                   "Pre Shared Key:", 24, 30, &wz.peer,
		                   MENU_COL_ipsecPeerPreSharedKey);
		f->help = "Type the pass phrase agreed with the peer (never "
		          "shown)";
	}
	menu_add_button(&fm, 11, 20, "NEXT", ID_NEXT);
	menu_add_button(&fm, 11, 50, "CANCEL", MENU_ID_CANCEL);
	fm.cur = 1;
	if (err != NULL)
		menu_status(&fm, "%s", err);
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_CANCEL)
			return act;
		if (act != ID_NEXT)
			continue;
		if (!with_certs() &&
		    !wz.peer.dirty[MENU_COL_ipsecPeerPreSharedKey])
			menu_status(&fm, "Type the pre-shared key first.");
		else if (menu_rec_str(&wz.peer, MENU_COL_ipsecPeerAddress)[0] ==
		         '\0')
			menu_status(&fm, "Type the peer's address first.");
		else
			return act;
	}
}

/* Step: local and remote network.  ID_NEXT, ID_BACK or CANCEL. */
static int
step_traffic(const char *err)
{
	struct menu_form fm;
	char title[60];

	step_title(STEP_TRAFFIC, title, sizeof(title));
	menu_form_init(&fm, "[IPSEC][WIZARD][TRAFFIC]", title);
	menu_add(&fm, MENU_F_LABEL, 3, 3,
	         "Which traffic is to be protected (local net <-> remote net)?",
	         0, 0);
	menu_add_bound(&fm, MENU_F_IP, 5, 5, "Local Network:", 24, 15, &wz.tr,
	               MENU_COL_ipsecTrLocalAddress)
	    ->help = "The network behind this gateway, e.g. 192.168.1.0";
	menu_add_bound(&fm, MENU_F_INT, 5, 42, "Mask Bits:", 54, 3, &wz.tr,
	               MENU_COL_ipsecTrLocalMaskLen)
	    ->help = "0..32, e.g. 24";
	menu_add_bound(&fm, MENU_F_IP, 6, 5, "Remote Network:", 24, 15, &wz.tr,
	               MENU_COL_ipsecTrRemoteAddress)
	    ->help = "The network behind the peer, e.g. 10.1.0.0";
	menu_add_bound(&fm, MENU_F_INT, 6, 42, "Mask Bits:", 54, 3, &wz.tr,
	               MENU_COL_ipsecTrRemoteMaskLen)
	    ->help = "0..32, e.g. 16";
	menu_add(&fm, MENU_F_LABEL, 8, 3,
	         with_certs()
	             ? "The entry protects with the default IPsec profile and "
	               "a new IKE profile"
	             : "The entry protects with the default IKE and IPsec "
	               "profiles.",
	         0, 0);
	if (with_certs())
		menu_add(&fm, MENU_F_LABEL, 9, 3,
		         "that signs with your certificate.", 0, 0);
	menu_add_button(&fm, 11, 10, "FINISH", ID_NEXT);
	menu_add_button(&fm, 11, 35, "BACK", ID_BACK);
	menu_add_button(&fm, 11, 55, "CANCEL", MENU_ID_CANCEL);
	fm.cur = 1;
	if (err != NULL)
		menu_status(&fm, "%s", err);
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_CANCEL || act == ID_BACK)
			return act;
		if (act != ID_NEXT)
			continue;
		if (menu_rec_str(&wz.tr, MENU_COL_ipsecTrLocalAddress)[0] ==
		        '\0' ||
		    menu_rec_str(&wz.tr, MENU_COL_ipsecTrRemoteAddress)[0] ==
		        '\0')
			menu_status(&fm, "Type both networks first.");
		else
			return act;
	}
}

/*
 * The IKE profile of a certificate method: the signature method, the own
 * certificate and the CA; everything else comes from the default profile.
 */
static void
wz_ike(struct menu_set *s)
{
	char ca[16] = "";

	if (wz.own == 0 && wz.key != 0)
		wz.own = each_cert(own_of_key, &wz.key);
	menu_rec_init(
	    &wz.ike, MENU_IKEPROF,
	    menu_table_next(MENU_IKEPROF, MENU_COL_ikeProfileDescription),
	    MENU_COL_ikeProfileRowStatus);
	wz.ike.is_new = 1;
	menu_rec_setstr(&wz.ike, MENU_COL_ikeProfileDescription, MENU_V_STR,
	                wz.auth.i == AUTH_DSA ? "wizard DSA signatures"
	                                      : "wizard RSA signatures");
	menu_rec_setint(&wz.ike, MENU_COL_ikeProfileAuthMethod, wz.auth.i);
	menu_rec_setint(&wz.ike, MENU_COL_ikeProfileLocalCert, wz.own);
	if (wz.ca != 0)
		snprintf(ca, sizeof(ca), "%d", wz.ca);
	menu_rec_setstr(&wz.ike, MENU_COL_ikeProfileCaCerts, MENU_V_STR, ca);
	menu_set_rec(s, &wz.ike);
	menu_rec_setint(&wz.peer, MENU_COL_ipsecPeerIkeProfile, wz.ike.index);
}

/*
 * Creates what the steps collected in one SET: the IKE profile of a
 * certificate method, the peer and, unless the traffic step was skipped,
 * its traffic entry.  0 on success, else the agent's error is in e.
 */
static int
wz_create(int with_traffic, struct menu_seterr *e)
{
	struct menu_val nf;
	struct menu_set s;

	if (menu_get_scalar(MENU_GLOB, MENU_COL_ipsecGlobPeerNextFree, &nf) !=
	    0) {
		snprintf(e->text, sizeof(e->text), "cannot read the next peer");
		e->rec = NULL;
		return -1;
	}
	wz.peer.index = (int)nf.i;
	menu_set_init(&s);
	if (with_certs())
		wz_ike(&s);
	menu_set_rec(&s, &wz.peer);
	if (with_traffic) {
		if (menu_get_scalar(MENU_GLOB, MENU_COL_ipsecGlobTrNextFree,
		                    &nf) != 0) {
			snprintf(e->text, sizeof(e->text),
			         "cannot read the next traffic entry");
			e->rec = NULL;
			menu_set_send(&s, e); /* frees the PDU */
			return -1;
		}
		wz.tr.index = (int)nf.i;
		menu_rec_setint(&wz.tr, MENU_COL_ipsecTrList,
		                MENU_E_ipsecTrList_peer);
		menu_rec_setint(&wz.tr, MENU_COL_ipsecTrPeer, wz.peer.index);
		menu_rec_setint(&wz.tr, MENU_COL_ipsecTrOrder, 10);
		menu_rec_setint(&wz.tr, MENU_COL_ipsecTrLocalType,
		                MENU_E_ipsecTrLocalType_net);
		menu_rec_setint(&wz.tr, MENU_COL_ipsecTrRemoteType,
		                MENU_E_ipsecTrRemoteType_net);
		menu_rec_setint(&wz.tr, MENU_COL_ipsecTrAction,
		                MENU_E_ipsecTrAction_protect);
		menu_rec_setstr(&wz.tr, MENU_COL_ipsecTrDescription, MENU_V_STR,
		                "wizard");
		menu_set_rec(&s, &wz.tr);
	}
	return menu_set_send(&s, e);
}

/* The history lines of a created configuration (no key material). */
static void
wz_done(int with_traffic)
{
	hist_add("+ Peer %.40s created (index %d)",
	         menu_rec_str(&wz.peer, MENU_COL_ipsecPeerDescription),
	         wz.peer.index);
	if (with_certs())
		hist_add("  address %.40s, %s",
		         menu_rec_str(&wz.peer, MENU_COL_ipsecPeerAddress),
		         AUTH_NAME(wz.auth.i));
	else
		hist_add("  address %.40s, pre-shared key set",
		         menu_rec_str(&wz.peer, MENU_COL_ipsecPeerAddress));
	if (with_traffic)
		hist_add(
		    "+ Traffic entry %d: %.15s/%d <-> %.15s/%d protect",
		    wz.tr.index,
		    menu_rec_str(&wz.tr, MENU_COL_ipsecTrLocalAddress),
		    (int)menu_rec_int(&wz.tr, MENU_COL_ipsecTrLocalMaskLen),
		    menu_rec_str(&wz.tr, MENU_COL_ipsecTrRemoteAddress),
		    (int)menu_rec_int(&wz.tr, MENU_COL_ipsecTrRemoteMaskLen));
	if (with_certs()) {
		hist_add("+ IKE profile %d: own certificate %d, CA %d",
		         wz.ike.index, wz.own, wz.ca);
		if (wz.own == 0)
			hist_add(
			    "- No own certificate yet: set it in IKE profile "
			    "%d",
			    wz.ike.index);
		hist_add("+ Done: the peer uses IKE profile %d", wz.ike.index);
	} else {
		hist_add("+ Done: the peer uses the default profiles");
	}
	wz.step = STEP_NONE;
}

/*
 * Runs the current step.  Returns 0 to go on with the next, 1 when the
 * configuration is to be created, -1 to pause (CANCEL).
 */
static int
wz_step(struct menu_form *menu, const char *err)
{
	int act;

	switch (wz.step) {
	case STEP_AUTH:
		if (step_auth() == MENU_ID_CANCEL)
			return -1;
		hist_add("+ Authentication: %s", AUTH_NAME(wz.auth.i));
		wz.step = with_certs() ? STEP_KEY : STEP_PEER;
		return 0;
	case STEP_KEY:
		return step_key(menu);
	case STEP_REQ:
		return step_req();
	case STEP_OWN:
		return step_own();
	case STEP_CA:
		return step_ca();
	case STEP_SRV:
		return step_srv();
	case STEP_PEER:
		if (step_peer(err) == MENU_ID_CANCEL)
			return -1;
		hist_add("+ Peer %.32s at %.36s",
		         menu_rec_str(&wz.peer, MENU_COL_ipsecPeerDescription),
		         menu_rec_str(&wz.peer, MENU_COL_ipsecPeerAddress));
		wz.step = STEP_TRAFFIC;
		return 0;
	default:
		act = step_traffic(err);
		if (act == MENU_ID_CANCEL)
			return -1;
		if (act == ID_BACK) {
			wz.step = STEP_PEER;
			return 0;
		}
		return 1;
	}
}

/*
 * Runs the steps from the current one to the end (or to CANCEL); a
 * refused SET returns to the step whose field the agent blamed.  With
 * skip_traffic the configuration is created without the traffic step.
 */
static void
wz_run(struct menu_form *menu, int skip_traffic)
{
	char err[160] = "";

	for (;;) {
		int rc = 1;
		struct menu_seterr e;

		if (!(skip_traffic && wz.step == STEP_TRAFFIC)) {
			rc = wz_step(menu, err[0] ? err : NULL);
			err[0] = '\0';
		}
		if (rc < 0)
			break;
		if (rc == 0)
			continue;
		if (wz_create(!skip_traffic, &e) == 0) {
			wz_done(!skip_traffic);
			menu_status(menu, "The wizard created the peer.");
			return;
		}
		snprintf(err, sizeof(err), "SET refused: %.120s", e.text);
		hist_add("- %.70s", err);
		if (e.rec != &wz.tr || skip_traffic)
			wz.step = STEP_PEER;
		skip_traffic = 0;
	}
	if (wz.step != STEP_NONE) {
		int total, n = step_no(wz.step, &total);

		hist_add("  (paused at step %d: \"start wizard\" continues)",
		         n);
	}
}

/* clear config: destroys every peer and every peer's traffic entry. */
static void
wz_clear(struct menu_form *fm)
{
	static const int cols[] = {MENU_COL_ipsecTrList};
	static const int pcols[] = {MENU_COL_ipsecPeerDescription};
	struct menu_table t, p;
	struct menu_set s;
	struct menu_seterr e;
	char err[100];
	int i, n = 0;

	if (!menu_confirm("Delete ALL peers and their traffic lists?"))
		return;
	if (menu_table_read(MENU_TR, cols, 1, &t, err, sizeof(err)) != 0) {
		menu_status(fm, "%s", err);
		return;
	}
	if (menu_table_read(MENU_PEER, pcols, 1, &p, err, sizeof(err)) != 0) {
		menu_table_free(&t);
		menu_status(fm, "%s", err);
		return;
	}
	menu_set_init(&s);
	for (i = 0; i < t.n; i++)
		if (menu_table_get(&t, i, 0)->i == MENU_E_ipsecTrList_peer)
			menu_set_int(&s, MENU_TR, MENU_COL_ipsecTrRowStatus,
			             t.index[i],
			             MENU_E_ipsecTrRowStatus_destroy);
	for (i = 0; i < p.n; i++, n++)
		menu_set_int(&s, MENU_PEER, MENU_COL_ipsecPeerRowStatus,
		             p.index[i], MENU_E_ipsecPeerRowStatus_destroy);
	menu_table_free(&t);
	menu_table_free(&p);
	if (s.n == 0) {
		menu_status(fm, "No peers configured.");
		return;
	}
	if (menu_set_send(&s, &e) != 0) {
		menu_status(fm, "%s", e.text);
		hist_add("- clear config refused: %.50s", e.text);
		return;
	}
	hist_add("+ Configuration cleared: %d peer%s deleted", n,
	         n == 1 ? "" : "s");
	menu_status(fm, "Deleted %d peer%s and their traffic lists.", n,
	            n == 1 ? "" : "s");
}

/* dump messages: writes the history to a file in the working directory. */
static void
wz_dump(struct menu_form *fm)
{
	FILE *f = fopen(DUMP_FILE, "w");
	int i;

	if (f == NULL) {
		menu_status(fm, "Cannot write %s", DUMP_FILE);
		return;
	}
	for (i = 0; i < wz.nhist; i++)
		fprintf(f, "%s\n", wz.hist[i]);
	if (fclose(f) != 0)
		menu_status(fm, "Cannot write %s", DUMP_FILE);
	else
		menu_status(fm, "%d messages written to %s", wz.nhist,
		            DUMP_FILE);
}

/*
 * skip: the peer step ends the wizard without creating anything, the
 * traffic step creates the peer without traffic entry, any other step is
 * left out and the wizard goes on with the next.
 */
static void
wz_skip(struct menu_form *fm)
{
	switch (wz.step) {
	case STEP_NONE:
		menu_status(fm, "Nothing to skip: start the wizard.");
		return;
	case STEP_PEER:
		hist_add("- Peer step skipped: nothing created");
		wz.step = STEP_NONE;
		return;
	case STEP_TRAFFIC:
		hist_add("- Traffic step skipped");
		wz_run(fm, 1);
		return;
	case STEP_AUTH:
		hist_add("- Authentication step skipped: %s",
		         AUTH_NAME(AUTH_PSK));
		wz.auth.i = AUTH_PSK;
		wz.step = STEP_PEER;
		break;
	default:
		hist_add("- %s step skipped", step_names[wz.step]);
		wz.step++;
		break;
	}
	wz_run(fm, 0);
}

/* Carries out what "What to do?" names. */
static void
wz_do(struct menu_form *fm, int64_t todo)
{
	switch (todo) {
	case W_START:
		if (wz.step == STEP_NONE)
			wz_begin();
		wz_run(fm, 0);
		break;
	case W_SKIP:
		wz_skip(fm);
		break;
	case W_ABORT:
		if (wz.step != STEP_NONE)
			hist_add("- Wizard aborted: no peer created");
		wz.step = STEP_NONE;
		menu_status(fm, "Aborted.");
		break;
	case W_CLEAR:
		wz_clear(fm);
		break;
	case W_DUMP:
		wz_dump(fm);
		break;
	default:
		break;
	}
}

/* The Wizard menu (W): history, What to do?, SELECT and EXIT. */
void
menu_screen_wizard(void)
{
	struct menu_form fm;
	struct menu_list l = {0};
	struct menu_val todo = {.t = MENU_V_INT, .i = W_START};
	struct menu_field *f;

	menu_form_init(&fm, "[IPSEC][WIZARD]",
	               "IPsec Configuration - Wizard Menu");
	menu_add(&fm, MENU_F_LABEL, 3, 3,
	         "IPsec 1st step configurations wizard", 0, 0);
	menu_add(&fm, MENU_F_LABEL, 4, 3, "Configuration History:", 0, 0);
	menu_add_list(&fm, 5, 11, &l, MENU_ID_LIST);
	f = menu_add(&fm, MENU_F_ENUM, 17, 3, "What to do?", 55, 16);
	f->lv = &todo;
	menu_field_choices(f, todo_ch, (int)MENU_N(todo_ch));
	f->help = "<Space> to choose, then SELECT";
	menu_add_button(&fm, 19, 20, "SELECT", ID_SELECT);
	menu_add_button(&fm, 19, 50, "EXIT", MENU_ID_EXIT);
	hist_show(&l, 11);
	fm.cur = 3;
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_EXIT || act == MENU_ID_CANCEL)
			break;
		if (act == ID_SELECT) {
			wz_do(&fm, todo.i);
			hist_show(&l, 11);
		}
	}
	menu_list_free(&l);
}
