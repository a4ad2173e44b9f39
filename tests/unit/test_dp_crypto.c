/*
 * test_dp_crypto.c - known answers for the dataplane's crypto contexts and
 * for whole ESP packets:
 *   - HMAC through dp_mac (RFC 2202, RFC 4231, RFC 2286), several messages
 *     on one keyed context to show that the per-packet re-init keeps the
 *     key, and ICV truncation;
 *   - one-block CBC answers for the legacy and libgcrypt ciphers
 *     (FIPS 46, RFC 2144 with 40-bit keys, Twofish paper);
 *   - RFC 3602 section 4 ESP packets (AES-CBC): cases 7 and 8 (tunnel
 *     mode) through dp_sa_encap/dp_sa_decap, cases 5 and 6 (transport
 *     mode, next header 1) through the raw ESP functions;
 *   - the ESP AES-GCM packets of draft-mcgrew-gcm-test-01 (RFC 4106).
 */
#include "test_dp_util.h"

static uint8_t buf[TU_BUF], buf2[TU_BUF];

/* HMAC of each message in turn on one context keyed once. */
static void
check_mac(const char *digest, const uint8_t *key, size_t key_len,
          size_t icv_len, const char *const *msg, const char *const *want,
          size_t n)
{
	struct dp_mac m;
	uint8_t icv[DP_ICV_MAX], exp[DP_ICV_MAX];
	struct dp_iov v;
	size_t i, round;

	assert_int_equal(dp_crypto_init(), 0);
	assert_int_equal(dp_mac_init(&m, digest, key, key_len, icv_len), 0);
	for (round = 0; round < 2; round++)
		for (i = 0; i < n; i++) {
			v.p = msg[i];
			v.len = strlen(msg[i]);
			assert_int_equal(dp_mac_compute(&m, &v, 1, icv), 0);
			assert_true(tu_unhex(want[i], exp, sizeof(exp)) >=
			            icv_len);
			assert_memory_equal(icv, exp, icv_len);
		}
	dp_mac_free(&m);
}

static const char hi[] = "Hi There";
static const char jefe[] = "what do ya want for nothing?";
static const char big6[] =
    "Test Using Larger Than Block-Size Key - Hash Key First";
static const char big7_2202[] =
    "Test Using Larger Than Block-Size Key and Larger Than One Block-Size "
    "Data";
static const char big7_4231[] =
    "This is a test using a larger than block-size key and a larger than "
    "block-size data. The key needs to be hashed before being used by the "
    "HMAC algorithm.";

/* RFC 2202 cases 1, 2, 6 and 7 (6 and 7 share a key). */
static void
test_hmac_rfc2202(void **state)
{
	static const char *const m6[] = {big6, big7_2202};
	static const char *const md5_67[] = {
	    "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd",
	    "6f630fad67cda0ee1fb1f562db3aa53e"};
	static const char *const sha1_67[] = {
	    "aa4ae5e15272d00e95705637ce8a3b55ed402112",
	    "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"};
	static const char *const m1[] = {hi};
	static const char *const m2[] = {jefe};
	static const char *const md5_1[] = {"9294727a3638bb1c13f48ef8158bfc9d"};
	static const char *const md5_2[] = {"750c783e6ab0b503eaa86e310a5db738"};
	static const char *const sha1_1[] = {
	    "b617318655057264e28bc0b6fb378c8ef146be00"};
	static const char *const sha1_2[] = {
	    "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"};
	uint8_t k0b[20], kaa[80];

	(void)state;
	memset(k0b, 0x0b, sizeof(k0b));
	memset(kaa, 0xaa, sizeof(kaa));
	check_mac("MD5", k0b, 16, 16, m1, md5_1, 1);
	check_mac("MD5", (const uint8_t *)"Jefe", 4, 16, m2, md5_2, 1);
	check_mac("MD5", kaa, 80, 16, m6, md5_67, 2);
	check_mac("SHA1", k0b, 20, 20, m1, sha1_1, 1);
	check_mac("SHA1", (const uint8_t *)"Jefe", 4, 20, m2, sha1_2, 1);
	check_mac("SHA1", kaa, 80, 20, m6, sha1_67, 2);
	/* The ESP/AH ICV: HMAC-SHA1-96 (RFC 2404), HMAC-MD5-96. */
	check_mac("SHA1", kaa, 80, 12, m6, sha1_67, 2);
	check_mac("MD5", kaa, 80, 12, m6, md5_67, 2);
}

/* RFC 4231 cases 1, 2, 6 and 7, full and at the RFC 4868 ICV length. */
static void
test_hmac_rfc4231(void **state)
{
	static const struct {
		const char *digest;
		size_t len;
		const char *tc[4];
	} v[] = {
	    {"SHA2-256",
	     32,
	     {"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff"
	      "7",
	      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec384"
	      "3",
	      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f5"
	      "4",
	      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e"
	      "2"}},
	    {"SHA2-384",
	     48,
	     {"afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	      "faea9ea9076ede7f4af152e8b2fa9cb6",
	      "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	      "8e2240ca5e69e2c78b3239ecfab21649",
	      "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
	      "0c2ef6ab4030fe8296248df163f44952",
	      "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
	      "a678cc31e799176d3860e6110c46523e"}},
	    {"SHA2-512",
	     64,
	     {"87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	      "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a12685"
	      "4",
	      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	      "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce73"
	      "7",
	      "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	      "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d78659"
	      "8",
	      "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
	      "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a5"
	      "8"}},
	};
	static const char *const m67[] = {big6, big7_4231};
	static const char *const m1[] = {hi};
	static const char *const m2[] = {jefe};
	uint8_t k0b[20], kaa[131];
	size_t i, icv;

	(void)state;
	memset(k0b, 0x0b, sizeof(k0b));
	memset(kaa, 0xaa, sizeof(kaa));
	for (i = 0; i < TU_N(v); i++)
		for (icv = v[i].len / 2; icv <= v[i].len; icv += v[i].len / 2) {
			check_mac(v[i].digest, k0b, 20, icv, m1, &v[i].tc[0],
			          1);
			check_mac(v[i].digest, (const uint8_t *)"Jefe", 4, icv,
			          m2, &v[i].tc[1], 1);
			check_mac(v[i].digest, kaa, 131, icv, m67, &v[i].tc[2],
			          2);
		}
}

/* RFC 2286 case 1, and the 96-bit ICV of RFC 2857. */
static void
test_hmac_ripemd160(void **state)
{
	static const char *const m1[] = {hi};
	static const char *const w[] = {
	    "24cb4bd67d20fc1a5d2ed7732dcc39377f0a5668"};
	uint8_t k0b[20];

	(void)state;
	memset(k0b, 0x0b, sizeof(k0b));
	check_mac("RIPEMD160", k0b, 20, 20, m1, w, 1);
	check_mac("RIPEMD160", k0b, 20, 12, m1, w, 1);
}

/* Pieces fed separately give the same ICV as one piece; bad params fail. */
static void
test_hmac_iov_and_params(void **state)
{
	struct dp_mac m;
	struct dp_iov v[3] = {{"Hi", 2}, {"", 0}, {" There", 6}};
	struct dp_iov one = {hi, 8};
	uint8_t a[DP_ICV_MAX], b[DP_ICV_MAX], key[20];

	(void)state;
	memset(key, 0x0b, sizeof(key));
	assert_int_equal(dp_crypto_init(), 0);
	assert_int_equal(dp_mac_init(&m, "SHA1", key, 20, 12), 0);
	assert_int_equal(dp_mac_compute(&m, v, 3, a), 0);
	assert_int_equal(dp_mac_compute(&m, &one, 1, b), 0);
	assert_memory_equal(a, b, 12);
	dp_mac_free(&m);
	assert_int_not_equal(dp_mac_init(&m, "SHA1", key, 20, 21), 0);
	dp_mac_free(&m);
	assert_int_not_equal(dp_mac_init(&m, "SHA1", key, 20, 0), 0);
	dp_mac_free(&m);
	assert_int_not_equal(dp_mac_init(&m, "NO-SUCH-HASH", key, 20, 12), 0);
	dp_mac_free(&m);
}

/* One zero-IV block (CBC = ECB) each way through dp_cipher. */
static void
check_block(const char *name, uint16_t block, const char *key_hex,
            const char *pt_hex, const char *ct_hex)
{
	struct dp_alg a;
	struct dp_cipher enc, dec;
	uint8_t key[64] = {0}, pt[16] = {0}, ct[16] = {0}, out[16],
	        iv[16] = {0};
	size_t klen = tu_unhex(key_hex, key, sizeof(key));
	size_t n = tu_unhex(pt_hex, pt, sizeof(pt));

	assert_int_equal(tu_unhex(ct_hex, ct, sizeof(ct)), n);
	memset(&a, 0, sizeof(a));
	(void)snprintf(a.cipher, sizeof(a.cipher), "%s", name);
	a.block_len = block;
	a.iv_len = block;
	a.enc_key_len = (uint16_t)klen;
	assert_int_equal(dp_crypto_init(), 0);
	assert_int_equal(dp_cipher_init(&enc, &a, key, 1), 0);
	assert_int_equal(dp_cipher_init(&dec, &a, key, 0), 0);
	assert_int_equal(dp_cipher_cbc(&enc, iv, pt, out, n), 0);
	assert_memory_equal(out, ct, n);
	/* Reused context, in place. */
	assert_int_equal(dp_cipher_cbc(&dec, iv, out, out, n), 0);
	assert_memory_equal(out, pt, n);
	assert_int_equal(dp_cipher_cbc(&enc, iv, pt, out, n - 1),
	                 DP_E_MALFORMED);
	dp_cipher_free(&enc);
	dp_cipher_free(&dec);
}

static void
test_cipher_kat(void **state)
{
	static const char z16[] = "00000000000000000000000000000000";

	(void)state;
	check_block("DES-CBC", 8, "133457799bbcdff1", "0123456789abcdef",
	            "85e813540f0ab405");
	check_block("DES-EDE3-CBC", 8,
	            "0123456789abcdef23456789abcdef01456789abcdef0123",
	            "5468652071756663", "a826fd8ce53b855f");
	check_block("BF-CBC", 8, "ffffffffffffffff", "ffffffffffffffff",
	            "51866fd5b85ecb8a");
	check_block("CAST5-CBC", 8, "0123456712345678234567893456789a",
	            "0123456789abcdef", "238b4fe5847e44b2");
	check_block("CAST5-CBC", 8, "0123456712", "0123456789abcdef",
	            "7ac816d16e9b302e");
	check_block("twofish-cbc", 16, z16, z16,
	            "9f589f5cf6122c32b6bfec2f2ae8c35a");
	check_block(
	    "twofish-cbc", 16,
	    "0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff",
	    z16, "37527be0052334b89f0cfccae87cfa20");
	check_block("CAMELLIA-128-CBC", 16, "0123456789abcdeffedcba9876543210",
	            "0123456789abcdeffedcba9876543210",
	            "67673138549669730857065648eabe43");
}

/* RFC 3602 4: AES-128-CBC ESP packets without authentication. */
struct esp_case {
	const char *key, *iv, *payload, *esp;
	uint32_t spi, seq;
	uint8_t nh;
};

static const struct esp_case rfc3602[] = {
    /* Case #5: ICMP, transport mode */
    {"90d382b410eeba7ad938c46cec1a82bf", "e96e8c08ab465763fd098d45dd3ff893",
     "08000ebda70a00008e9c083db95b070008090a0b0c0d0e0f1011121314151617"
     "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
     "0000432100000001e96e8c08ab465763fd098d45dd3ff893f663c25d325c18c6"
     "a9453e194e120849a4870b66cc6b9965330013b4898dc856a4699e523a55db08"
     "0b59ec3a8e4b7e52775b07d1db34ed9c538ab50c551b874aa269add047ad2d59"
     "13ac19b7cfbad4a6",
     0x4321, 1, 1},
    /* Case #6: ICMP, transport mode */
    {"90d382b410eeba7ad938c46cec1a82bf", "69d08df7d203329db093fc4924e5bd80",
     "0800b5e8a80a0500a69c083d0b660e00777777777777777777777777",
     "000043210000000869d08df7d203329db093fc4924e5bd80f51995881ec4e0c4"
     "488987ce742e8109689bb379d2d750c0d915dca346a89f75",
     0x4321, 8, 1},
    /* Case #7: tunnel mode */
    {"0123456789abcdef0123456789abcdef", "f4e765244f6407adf13dc1380f673f37",
     "45000054090400004001f988c0a87b03c0a87bc808009f76a90a0100b49c083d"
     "02a2040008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223"
     "2425262728292a2b2c2d2e2f3031323334353637",
     "0000876500000002f4e765244f6407adf13dc1380f673f37773b5241a4c44922"
     "5e4f3ce5ed611b0c237ca96cf74a93013c1b0ea1a0cf70f8e4ecaec78ac53aad"
     "7a0f022b859243c647752e94a859352b8a4d4d2decd136e5c177f132ad3fbfb2"
     "201ac9904c74ee0a109e0ca1e4dfe9d5a100b842f1c22f0d",
     0x8765, 2, 4},
    /* Case #8: tunnel mode */
    {"0123456789abcdef0123456789abcdef", "85d47224b5f3dd5d2101d4ea8dffab22",
     "45000044090c00004001f990c0a87b03c0a87bc80800d63caa0a0200c69c083d"
     "a3de0300ffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
     "ffffffff",
     "000087650000000585d47224b5f3dd5d2101d4ea8dffab2215b92683819596a8"
     "047232cc00f7048fe45318e11f8a0f62ede3c3fc61203bb50f980a08c9843fd3"
     "a1b06d5c07ff9639b7eb7dfb3512e5de435e7207ed971ef3d2726d9b5ef6affc"
     "6d17a0decbb13892",
     0x8765, 5, 4},
};

/* Our SA and the peer's for a vector: the peer sends with spi/key. */
static void
vector_pair(const struct tu_cipher *ci, const uint8_t *key, size_t klen,
            uint32_t spi, struct dp_sa **us, struct dp_sa **peer)
{
	struct dp_sa_conf c;

	tu_conf(&c, ci, NULL);
	c.spi_in = spi;
	memcpy(c.key_in, key, klen);
	memcpy(c.key_out, key, klen);
	tu_pair(&c, us, peer);
}

/* The raw ESP functions: protect a plaintext, open the packet again. */
static void
check_raw_esp(const struct tu_cipher *ci, const struct esp_case *v,
              const char *pt_hex)
{
	struct dp_sa *us, *peer;
	uint8_t key[64] = {0}, esp[512] = {0}, pt[512] = {0}, want[512] = {0};
	size_t klen = tu_unhex(v->key, key, sizeof(key));
	size_t ptl = tu_unhex(pt_hex, pt, sizeof(pt));
	size_t n = tu_unhex(v->esp, want, sizeof(want)), plen = 0, hl;
	uint8_t nh = 0;

	vector_pair(ci, key, klen, v->spi, &us, &peer);
	hl = DP_ESP_HLEN + ci->iv;
	dp_put32(esp, v->spi);
	dp_put32(esp + 4, v->seq);
	assert_int_equal(tu_unhex(v->iv, esp + DP_ESP_HLEN, ci->iv), ci->iv);
	memcpy(esp + hl, pt, ptl);
	assert_int_equal(dp_esp_protect(peer, esp, ptl), 0);
	assert_int_equal(hl + ptl + ci->icv, n);
	assert_memory_equal(esp, want, n);
	assert_int_equal(
	    dp_esp_decap(us, want, n, buf, sizeof(buf), &plen, &nh), 0);
	assert_int_equal(nh, v->nh);
	assert_int_equal(plen, tu_unhex(v->payload, pt, sizeof(pt)));
	assert_memory_equal(buf, pt, plen);
	dp_sa_free(us);
	dp_sa_free(peer);
}

static void
test_rfc3602_transport(void **state)
{
	(void)state;
	/* Payload, padding 1..14 (1..2), pad length, next header 1. */
	check_raw_esp(&tu_aes, &rfc3602[0],
	              "08000ebda70a00008e9c083db95b070008090a0b0c0d0e0f"
	              "101112131415161718191a1b1c1d1e1f2021222324252627"
	              "28292a2b2c2d2e2f3031323334353637"
	              "0102030405060708090a0b0c0d0e0e01");
	check_raw_esp(&tu_aes, &rfc3602[1],
	              "0800b5e8a80a0500a69c083d0b660e00777777777777777777777777"
	              "01020201");
}

/*
 * Tunnel mode through the whole path: the packet dp_sa_encap builds with
 * the vector's IV and sequence number is the vector behind our outer
 * header, and dp_sa_decap returns the inner packet.
 */
static void
test_rfc3602_tunnel(void **state)
{
	struct dp_sa *us, *peer;
	struct tu_iv iv;
	uint8_t key[32] = {0}, in[256] = {0}, want[256] = {0};
	size_t i, klen, n, ilen, olen = 0, got = 0;

	(void)state;
	for (i = 2; i < 4; i++) {
		const struct esp_case *v = &rfc3602[i];

		klen = tu_unhex(v->key, key, sizeof(key));
		vector_pair(&tu_aes, key, klen, v->spi, &us, &peer);
		iv.len = tu_unhex(v->iv, iv.iv, sizeof(iv.iv));
		dp_sa_test_set_iv_fn(peer, tu_iv_fn, &iv);
		dp_sa_test_set_seq_out(peer, v->seq - 1);
		ilen = tu_unhex(v->payload, in, sizeof(in));
		n = tu_unhex(v->esp, want, sizeof(want));
		assert_int_equal(
		    dp_sa_encap(peer, in, ilen, buf, sizeof(buf), &olen), 0);
		assert_int_equal(iv.last_seq, v->seq);
		assert_int_equal(olen, DP_IP_HLEN + n);
		assert_memory_equal(buf + DP_IP_HLEN, want, n);
		assert_int_equal(buf[9], DP_PROTO_ESP);
		assert_int_equal(dp_pkt_cksum(buf, DP_IP_HLEN), 0);
		assert_int_equal(
		    dp_sa_decap(us, buf, olen, 0, buf2, sizeof(buf2), &got), 0);
		assert_int_equal(got, ilen);
		assert_memory_equal(buf2, in, ilen);
		assert_int_equal(dp_sa_stats(us)->in_packets, 1);
		assert_int_equal(dp_sa_stats(us)->in_bytes, ilen);
		dp_sa_free(us);
		dp_sa_free(peer);
	}
}

/*
 * draft-mcgrew-gcm-test-01: key | salt, SPI, sequence number, IV,
 * plaintext (payload, padding, pad length, next header) and the packet
 * from the SPI on.  Their next header is 1, so they go through the raw
 * ESP functions; the full path is checked against them below.
 */
struct gcm_case {
	const char *key, *spi_seq_iv, *pt, *ct_tag;
};

static const struct gcm_case gcm[] = {
    /* AES-128, SPI 0000a5f8, seq 10 */
    {"feffe9928665731c6d6a8f9467308308cafebabe",
     "0000a5f80000000afacedbaddecaf888",
     "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d00100"
     "0001000000000000037369700963796265726369747902646b00000100010001",
     "deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c"
     "3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd1"
     "83b70d3aa8bc6ee4c309e9d85a41ad4a"},
    /* AES-256, SPI 4a2cbfe3, seq 2 */
    {"abbccddef00112233445566778899aababbccddef00112233445566778899aab"
     "11223344",
     "4a2cbfe3000000020102030405060708",
     "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee000000000"
     "7002400020bf0000020405b40101040201020201",
     "ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763"
     "748a637985771d347f0545659f14e99def842d8e"
     "b335f4eecfdbf831824b4c4915956c96"},
};

static void
test_gcm_vectors(void **state)
{
	const struct tu_cipher *ci;
	struct dp_sa *us, *peer;
	uint8_t key[64] = {0}, esp[512] = {0}, want[512] = {0}, pt[512] = {0};
	size_t i, klen, ptl, n, plen = 0, w = 0;
	uint8_t nh = 0;

	(void)state;
	for (i = 0; i < TU_N(gcm); i++) {
		klen = tu_unhex(gcm[i].key, key, sizeof(key));
		ci = klen == 20 ? &tu_gcm[0] : &tu_gcm[2];
		n = tu_unhex(gcm[i].spi_seq_iv, esp, sizeof(esp));
		vector_pair(ci, key, klen, dp_get32(esp), &us, &peer);
		ptl = tu_unhex(gcm[i].pt, pt, sizeof(pt));
		memcpy(want, esp, n);
		assert_int_equal(
		    tu_unhex(gcm[i].ct_tag, want + n, sizeof(want) - n),
		    ptl + 16);
		memcpy(esp + n, pt, ptl);
		assert_int_equal(dp_esp_protect(peer, esp, ptl), 0);
		assert_memory_equal(esp, want, n + ptl + 16);
		assert_int_equal(dp_esp_decap(us, want, n + ptl + 16, buf,
		                              sizeof(buf), &plen, &nh),
		                 0);
		assert_int_equal(nh, 1);
		assert_int_equal(plen, dp_get16(pt + 2));
		assert_memory_equal(buf, pt, plen);
		/* Whole packet: the ICV verifies, next header 1 is refused. */
		w = tu_wrap(buf2, want, n + ptl + 16, DP_PROTO_ESP);
		dp_sa_test_reset(us);
		assert_int_equal(
		    dp_sa_decap(us, buf2, w, 0, buf, sizeof(buf), &plen),
		    DP_E_MALFORMED);
		assert_int_equal(dp_sa_stats(us)->err_malformed, 1);
		assert_int_equal(dp_sa_stats(us)->err_auth, 0);
		/* ... and counted in the window: a replay now. */
		assert_int_equal(
		    dp_sa_decap(us, buf2, w, 0, buf, sizeof(buf), &plen),
		    DP_E_REPLAY);
		/* One flipped tag bit: DP_E_AUTH, output wiped. */
		buf2[w - 1] ^= 1;
		dp_sa_test_reset(us);
		assert_int_equal(
		    dp_sa_decap(us, buf2, w, 0, buf, sizeof(buf), &plen),
		    DP_E_AUTH);
		assert_int_equal(dp_sa_stats(us)->err_auth, 1);
		dp_sa_free(us);
		dp_sa_free(peer);
	}
}

/*
 * The first vector's inner packet through dp_sa_encap with the vector's
 * IV and sequence number: GCM is a stream mode, so the ciphertext equals
 * the vector's except in the last byte, where our next header 4 replaces
 * its 1.
 */
static void
test_gcm_full_path(void **state)
{
	struct dp_sa *us, *peer;
	struct tu_iv iv;
	uint8_t key[32] = {0}, hdr[16] = {0}, pt[128] = {0}, ct[128] = {0};
	size_t klen, ptl, olen = 0, got = 0, off;

	(void)state;
	klen = tu_unhex(gcm[0].key, key, sizeof(key));
	tu_unhex(gcm[0].spi_seq_iv, hdr, sizeof(hdr));
	vector_pair(&tu_gcm[0], key, klen, dp_get32(hdr), &us, &peer);
	iv.len = 8;
	memcpy(iv.iv, hdr + 8, 8);
	dp_sa_test_set_iv_fn(peer, tu_iv_fn, &iv);
	dp_sa_test_set_seq_out(peer, dp_get32(hdr + 4) - 1);
	ptl = tu_unhex(gcm[0].pt, pt, sizeof(pt));
	tu_unhex(gcm[0].ct_tag, ct, sizeof(ct));
	assert_int_equal(
	    dp_sa_encap(peer, pt, dp_get16(pt + 2), buf, sizeof(buf), &olen),
	    0);
	assert_int_equal(olen, DP_IP_HLEN + 16 + ptl + 16);
	off = DP_IP_HLEN;
	assert_memory_equal(buf + off, hdr, 16);
	assert_memory_equal(buf + off + 16, ct, ptl - 1);
	assert_int_equal(buf[off + 16 + ptl - 1], ct[ptl - 1] ^ 1 ^ 4);
	assert_int_equal(
	    dp_sa_decap(us, buf, olen, 0, buf2, sizeof(buf2), &got), 0);
	assert_int_equal(got, dp_get16(pt + 2));
	assert_memory_equal(buf2, pt, got);
	dp_sa_free(us);
	dp_sa_free(peer);
}

/* Without a test IV source, GCM's explicit IV is the sequence number. */
static void
test_gcm_iv_counter(void **state)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	uint8_t in[100];
	size_t olen = 0, k;

	(void)state;
	tu_conf(&c, &tu_gcm[1], NULL);
	tu_pair(&c, &us, &peer);
	tu_inner(in, sizeof(in), 0, 1);
	for (k = 1; k <= 3; k++) {
		assert_int_equal(
		    dp_sa_encap(peer, in, sizeof(in), buf, sizeof(buf), &olen),
		    0);
		assert_int_equal(dp_get32(buf + DP_IP_HLEN + 4), k);
		assert_int_equal(dp_get32(buf + DP_IP_HLEN + 8), 0);
		assert_int_equal(dp_get32(buf + DP_IP_HLEN + 12), k);
	}
	dp_sa_free(us);
	dp_sa_free(peer);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hmac_rfc2202),
	    cmocka_unit_test(test_hmac_rfc4231),
	    cmocka_unit_test(test_hmac_ripemd160),
	    cmocka_unit_test(test_hmac_iov_and_params),
	    cmocka_unit_test(test_cipher_kat),
	    cmocka_unit_test(test_rfc3602_transport),
	    cmocka_unit_test(test_rfc3602_tunnel),
	    cmocka_unit_test(test_gcm_vectors),
	    cmocka_unit_test(test_gcm_full_path),
	    cmocka_unit_test(test_gcm_iv_counter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
