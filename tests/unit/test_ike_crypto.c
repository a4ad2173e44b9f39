/*
 * test_ike_crypto.c - known-answer and property tests for ike_crypto,
 * ike_dh and ike_keys.  Vectors come from the RFCs and algorithm reference
 * pages named at each test; key derivation is checked against values the
 * test computes itself with OpenSSL's HMAC() and EVP_Digest().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ike_crypto.h"
#include "ike_dh.h"
#include "ike_keys.h"

#define MAXBUF 1024

/* Decodes a hex string (spaces allowed) into out; returns the length. */
static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int b;

	while (*s != '\0') {
		if (*s == ' ') {
			s++;
			continue;
		}
		assert_true(n < max);
		assert_int_equal(sscanf(s, "%2x", &b), 1);
		out[n++] = (uint8_t)b;
		s += 2;
	}
	return n;
}

static void
assert_hex(const uint8_t *got, size_t len, const char *want)
{
	uint8_t buf[MAXBUF];
	size_t n = unhex(want, buf, sizeof(buf));

	assert_int_equal(n, len);
	assert_memory_equal(got, buf, len);
}

static struct ike_crypto_iov
iov(const void *p, size_t len)
{
	struct ike_crypto_iov v = {p, len};

	return v;
}

/* prf(key, data) through ike_crypto_prf with the data in one piece. */
static void
check_hmac(const char *hash, const uint8_t *key, size_t keylen,
           const void *data, size_t dlen, const char *want)
{
	const struct ike_hash_alg *h = ike_crypto_hash_by_name(hash);
	struct ike_crypto_iov v = iov(data, dlen);
	uint8_t out[IKE_CRYPTO_HASH_MAX];

	assert_non_null(h);
	assert_int_equal(ike_crypto_prf(h, key, keylen, &v, 1, out), 0);
	assert_hex(out, h->len, want);
}

static const char hi[] = "Hi There";
static const char jefe_data[] = "what do ya want for nothing?";
static const char big_key_data[] =
    "Test Using Larger Than Block-Size Key - Hash Key First";

/* RFC 2202 test cases 1-3 for HMAC-MD5 and HMAC-SHA1. */
static void
test_hmac_rfc2202(void **state)
{
	uint8_t key[80], dd[50];

	(void)state;
	memset(dd, 0xdd, sizeof(dd));
	memset(key, 0x0b, 16);
	check_hmac("md5", key, 16, hi, 8, "9294727a3638bb1c13f48ef8158bfc9d");
	check_hmac("md5", (const uint8_t *)"Jefe", 4, jefe_data, 28,
	           "750c783e6ab0b503eaa86e310a5db738");
	memset(key, 0xaa, 16);
	check_hmac("md5", key, 16, dd, 50, "56be34521d144c88dbb8c733f0e8b3f6");

	memset(key, 0x0b, 20);
	check_hmac("sha1", key, 20, hi, 8,
	           "b617318655057264e28bc0b6fb378c8ef146be00");
	check_hmac("sha1", (const uint8_t *)"Jefe", 4, jefe_data, 28,
	           "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	memset(key, 0xaa, 20);
	check_hmac("sha1", key, 20, dd, 50,
	           "125d7342b9ac11cd91a39af48aa17b4f63f175d3");
}

/* RFC 4231 test cases 1, 2 and 6 (key longer than the block). */
static void
test_hmac_rfc4231(void **state)
{
	static const struct {
		const char *hash;
		const char *tc1, *tc2, *tc6;
	} v[] = {
	    {"sha2-256",
	     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f5"
	     "4"},
	    {"sha2-384",
	     "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	     "faea9ea9076ede7f4af152e8b2fa9cb6",
	     "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	     "8e2240ca5e69e2c78b3239ecfab21649",
	     "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
	     "0c2ef6ab4030fe8296248df163f44952"},
	    {"sha2-512",
	     "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	     "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
	     "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	     "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
	     "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	     "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d78659"
	     "8"},
	};
	uint8_t key[131];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(key, 0x0b, 20);
		check_hmac(v[i].hash, key, 20, hi, 8, v[i].tc1);
		check_hmac(v[i].hash, (const uint8_t *)"Jefe", 4, jefe_data, 28,
		           v[i].tc2);
		memset(key, 0xaa, sizeof(key));
		check_hmac(v[i].hash, key, sizeof(key), big_key_data,
		           strlen(big_key_data), v[i].tc6);
	}
}

static void
check_hash(const char *hash, const char *msg, const char *want)
{
	const struct ike_hash_alg *h = ike_crypto_hash_by_name(hash);
	struct ike_crypto_iov v = iov(msg, strlen(msg));
	uint8_t out[IKE_CRYPTO_HASH_MAX];

	assert_non_null(h);
	assert_int_equal(ike_crypto_hash(h, &v, 1, out), 0);
	assert_hex(out, h->len, want);
}

/*
 * RIPEMD-160 from its authors' page ("" and "abc"), HMAC-RIPEMD-160 from
 * RFC 2286 test case 1; Tiger from the Tiger/NESSIE vectors in the byte
 * order of the reference implementation ("", "abc", "Tiger").
 */
static void
test_hash_ripemd_tiger(void **state)
{
	uint8_t key[20];

	(void)state;
	check_hash("ripemd160", "", "9c1185a5c5e9fc54612808977ee8f548b2258d31");
	check_hash("ripemd160", "abc",
	           "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
	memset(key, 0x0b, sizeof(key));
	check_hmac("ripemd160", key, 20, hi, 8,
	           "24cb4bd67d20fc1a5d2ed7732dcc39377f0a5668");
	check_hash("tiger", "",
	           "3293ac630c13f0245f92bbb1766e16167a4e58492dde73f3");
	check_hash("tiger", "abc",
	           "2aab1484e8c158f2bfb8c5ff41b57a525129131c957b5f93");
	check_hash("tiger", "Tiger",
	           "dd00230799f5009fec6debc838bb6a27df2b9d6f110c7937");
}

/*
 * HMAC-Tiger has no published vectors: check it against the RFC 2104
 * construction H(K ^ opad | H(K ^ ipad | m)) built from the Tiger hash
 * verified above.
 */
static void
test_hmac_tiger(void **state)
{
	const struct ike_hash_alg *h = ike_crypto_hash_by_name("tiger");
	uint8_t ipad[64], opad[64], inner[24], want[24], got[24];
	struct ike_crypto_iov v[2];
	size_t i;

	(void)state;
	assert_int_equal(h->block_len, 64);
	for (i = 0; i < 64; i++) {
		ipad[i] = (i < 20 ? 0x0b : 0) ^ 0x36;
		opad[i] = (i < 20 ? 0x0b : 0) ^ 0x5c;
	}
	v[0] = iov(ipad, 64);
	v[1] = iov(hi, 8);
	assert_int_equal(ike_crypto_hash(h, v, 2, inner), 0);
	v[0] = iov(opad, 64);
	v[1] = iov(inner, 24);
	assert_int_equal(ike_crypto_hash(h, v, 2, want), 0);
	memset(ipad, 0x0b, 20);
	v[0] = iov(hi, 8);
	assert_int_equal(ike_crypto_prf(h, ipad, 20, v, 1, got), 0);
	assert_memory_equal(got, want, 24);
}

/* Pieces are concatenated: hash(a | b) equals hash of the joined input. */
static void
test_hash_pieces(void **state)
{
	const struct ike_hash_alg *h;
	struct ike_crypto_iov v[3] = {iov("ab", 2), iov(NULL, 0), iov("c", 1)};
	struct ike_crypto_iov one = iov("abc", 3);
	uint8_t a[IKE_CRYPTO_HASH_MAX], b[IKE_CRYPTO_HASH_MAX];
	size_t i;

	(void)state;
	for (i = 0; (h = ike_crypto_hash_at(i)) != NULL; i++) {
		assert_int_equal(ike_crypto_hash(h, v, 3, a), 0);
		assert_int_equal(ike_crypto_hash(h, &one, 1, b), 0);
		assert_memory_equal(a, b, h->len);
		assert_int_equal(ike_crypto_prf(h, "k", 1, v, 3, a), 0);
		assert_int_equal(ike_crypto_prf(h, "k", 1, &one, 1, b), 0);
		assert_memory_equal(a, b, h->len);
	}
	assert_int_equal(ike_crypto_prf(ike_crypto_hash_at(0), "k", 0, v, 1, a),
	                 -1);
}

/* The numbers of RFC 2409 App. A, the IPsec DOI and our private ones. */
static void
test_tables(void **state)
{
	const struct ike_cipher_alg *c;
	const struct ike_hash_alg *h;

	(void)state;
	assert_string_equal(ike_crypto_hash_by_ike(1)->name, "md5");
	assert_string_equal(ike_crypto_hash_by_ike(2)->name, "sha1");
	assert_string_equal(ike_crypto_hash_by_ike(3)->name, "tiger");
	assert_string_equal(ike_crypto_hash_by_ike(6)->name, "sha2-512");
	h = ike_crypto_hash_by_ike(IKE_CRYPTO_HASH_RIPEMD160_PRIV);
	assert_string_equal(h->name, "ripemd160");
	assert_int_equal(h->auth_id, 8);
	assert_null(ike_crypto_hash_by_ike(0));
	assert_null(ike_crypto_hash_by_ike(7));
	assert_int_equal(ike_crypto_hash_by_auth(5)->icv_len, 16);
	assert_int_equal(ike_crypto_hash_by_auth(7)->icv_len, 32);
	assert_int_equal(ike_crypto_hash_by_auth(1)->icv_len, 12);
	assert_int_equal(ike_crypto_hash_by_name("sha1")->ah_id, 3);

	assert_string_equal(ike_crypto_cipher_by_ike(5)->name, "3des-cbc");
	assert_string_equal(ike_crypto_cipher_by_ike(7)->name, "aes-cbc");
	c = ike_crypto_cipher_by_ike(IKE_CRYPTO_ENC_TWOFISH_PRIV);
	assert_string_equal(c->name, "twofish-cbc");
	assert_ptr_equal(ike_crypto_cipher_by_ike(IKE_CRYPTO_ENC_TWOFISH_SSH),
	                 c);
	assert_ptr_equal(ike_crypto_cipher_by_esp(253), c);
	assert_true(ike_crypto_cipher_key_ok(c, 128));
	assert_false(ike_crypto_cipher_key_ok(c, 192));
	assert_true(ike_crypto_cipher_key_ok(c, 256));
	assert_null(ike_crypto_cipher_by_ike(0));
	assert_null(ike_crypto_cipher_by_ike(2)); /* IDEA: not offered */
	assert_int_equal(ike_crypto_cipher_by_esp(20)->icv_len, 16);
	assert_int_equal(ike_crypto_cipher_by_esp(11)->mode, IKE_CIPHER_NULL);
	c = ike_crypto_cipher_by_name("blowfish-cbc");
	assert_true(ike_crypto_cipher_key_ok(c, 40));
	assert_true(ike_crypto_cipher_key_ok(c, 448));
	assert_false(ike_crypto_cipher_key_ok(c, 41));
	assert_false(ike_crypto_cipher_key_ok(c, 456));
	c = ike_crypto_cipher_by_name("3des-cbc");
	assert_true(ike_crypto_cipher_key_ok(c, 192));
	assert_false(ike_crypto_cipher_key_ok(c, 128));
}

/*
 * Encrypts and decrypts with a fresh context, checks the known answer and
 * that iv comes back as the last ciphertext block; then again in place.
 */
static void
check_cbc(const char *name, const char *key_hex, const char *iv_hex,
          const char *pt_hex, const char *ct_hex)
{
	const struct ike_cipher_alg *alg = ike_crypto_cipher_by_name(name);
	uint8_t key[64], iv0[16], iv[16], pt[128], ct[128], buf[128];
	size_t klen, ivlen, len;
	struct ike_cipher_ctx *c;

	assert_non_null(alg);
	klen = unhex(key_hex, key, sizeof(key));
	ivlen = unhex(iv_hex, iv0, sizeof(iv0));
	assert_int_equal(ivlen, alg->iv_len);
	len = unhex(pt_hex, pt, sizeof(pt));
	assert_int_equal(unhex(ct_hex, ct, sizeof(ct)), len);
	c = ike_crypto_cipher_new(alg, key, klen);
	assert_non_null(c);

	memcpy(iv, iv0, ivlen);
	assert_int_equal(ike_crypto_cbc_encrypt(c, iv, pt, buf, len), 0);
	assert_memory_equal(buf, ct, len);
	assert_memory_equal(iv, ct + len - ivlen, ivlen);
	memcpy(iv, iv0, ivlen);
	assert_int_equal(ike_crypto_cbc_decrypt(c, iv, ct, buf, len), 0);
	assert_memory_equal(buf, pt, len);
	assert_memory_equal(iv, ct + len - ivlen, ivlen);

	memcpy(buf, ct, len);
	memcpy(iv, iv0, ivlen);
	assert_int_equal(ike_crypto_cbc_decrypt(c, iv, buf, buf, len), 0);
	assert_memory_equal(buf, pt, len);
	assert_memory_equal(iv, ct + len - ivlen, ivlen);
	memcpy(iv, iv0, ivlen);
	assert_int_equal(ike_crypto_cbc_encrypt(c, iv, buf, buf, len), 0);
	assert_memory_equal(buf, ct, len);
	ike_crypto_cipher_free(c);
}

/* RFC 3602 section 4, cases 1 to 4 (AES-128-CBC). */
static void
test_aes_cbc_rfc3602(void **state)
{
	char pt1[40], pt3[100];
	size_t i;

	(void)state;
	for (i = 0; i < 16; i++)
		(void)snprintf(pt1 + 2 * i, 3, "%02x",
		               (unsigned)"Single block msg"[i]);
	check_cbc("aes-cbc", "06a9214036b8a15b512e03d534120006",
	          "3dafba429d9eb430b422da802c9fac41", pt1,
	          "e353779c1079aeb82708942dbe77181a");
	check_cbc(
	    "aes-cbc", "c286696d887c9aa0611bbb3e2025a45a",
	    "562e17996d093d28ddb3ba695a2e6f58",
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	    "d296cd94c2cccf8a3a863028b5e1dc0a"
	    "7586602d253cfff91b8266bea6d61ab1");
	for (i = 0; i < 48; i++)
		(void)snprintf(
		    pt3 + 2 * i, 3, "%02x",
		    (unsigned)"This is a 48-byte message (exactly 3 AES blocks)"
		        [i]);
	check_cbc("aes-cbc", "6c3ea0477630ce21a2ce334aa746c2cd",
	          "c782dc4c098c66cbd9cd27d825682c81", pt3,
	          "d0a02b3836451753d493665d33f0e886"
	          "2dea54cdb293abc7506939276772f8d5"
	          "021c19216bad525c8579695d83ba2684");
	check_cbc(
	    "aes-cbc", "56e47a38c5598974bc46903dba290349",
	    "8ce82eefbea0da3c44699ed7db51b7d9",
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf",
	    "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e"
	    "35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55");
}

/*
 * One-block known answers (zero IV, so CBC equals ECB): DES and 3DES
 * (FIPS 46 worked example, SP 800-67 example), Blowfish (Schneier/Young
 * vectors), CAST-128 (RFC 2144 B.1, 128/80/40-bit keys), Twofish (the
 * Twofish paper's zero-key and 256-bit vectors), Camellia (RFC 3713).
 */
static void
test_legacy_kat(void **state)
{
	static const char z8[] = "0000000000000000";
	static const char z16[] = "00000000000000000000000000000000";
	static const char k3[] =
	    "0123456789abcdef23456789abcdef01456789abcdef0123";

	(void)state;
	check_cbc("des-cbc", "133457799bbcdff1", z8, "0123456789abcdef",
	          "85e813540f0ab405");
	/* SP 800-67's example is ECB: one zero-IV block at a time. */
	check_cbc("3des-cbc", k3, z8, "5468652071756663", "a826fd8ce53b855f");
	check_cbc("3des-cbc", k3, z8, "6b2062726f776e20", "cce21c8112256fe6");
	check_cbc("3des-cbc", k3, z8, "666f78206a756d70", "68d5c05dd9b6b900");
	check_cbc("blowfish-cbc", "0000000000000000", z8, "0000000000000000",
	          "4ef997456198dd78");
	check_cbc("blowfish-cbc", "ffffffffffffffff", z8, "ffffffffffffffff",
	          "51866fd5b85ecb8a");
	check_cbc("cast128-cbc", "0123456712345678234567893456789a", z8,
	          "0123456789abcdef", "238b4fe5847e44b2");
	check_cbc("cast128-cbc", "01234567123456782345", z8, "0123456789abcdef",
	          "eb6a711a2c02271b");
	check_cbc("cast128-cbc", "0123456712", z8, "0123456789abcdef",
	          "7ac816d16e9b302e");
	check_cbc("twofish-cbc", z16, z16, z16,
	          "9f589f5cf6122c32b6bfec2f2ae8c35a");
	check_cbc(
	    "twofish-cbc",
	    "0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff",
	    z16, z16, "37527be0052334b89f0cfccae87cfa20");
	check_cbc("camellia-cbc", "0123456789abcdeffedcba9876543210", z16,
	          "0123456789abcdeffedcba9876543210",
	          "67673138549669730857065648eabe43");
}

/*
 * Every CBC cipher at its smallest, default and largest key: a reused
 * context encrypting in two chained calls equals one call, and decrypts
 * back.  Wrong key sizes and partial blocks are refused.
 */
static void
test_cbc_roundtrip(void **state)
{
	const struct ike_cipher_alg *alg;
	uint8_t key[IKE_CRYPTO_KEY_MAX], iv[16], iv2[16], pt[64], a[64], b[64];
	unsigned sizes[3];
	size_t i, j, half;
	struct ike_cipher_ctx *c;

	(void)state;
	assert_int_equal(ike_crypto_random(pt, sizeof(pt)), 0);
	for (i = 0; (alg = ike_crypto_cipher_at(i)) != NULL; i++) {
		if (alg->mode != IKE_CIPHER_CBC)
			continue;
		sizes[0] = alg->key_min;
		sizes[1] = alg->key_default;
		sizes[2] = alg->key_max;
		half = 2 * (size_t)alg->block_len;
		for (j = 0; j < 3; j++) {
			assert_int_equal(ike_crypto_random(key, sizes[j] / 8),
			                 0);
			c = ike_crypto_cipher_new(alg, key, sizes[j] / 8);
			assert_non_null(c);
			assert_ptr_equal(ike_crypto_cipher_alg(c), alg);
			memset(iv, 0x5a, sizeof(iv));
			assert_int_equal(
			    ike_crypto_cbc_encrypt(c, iv, pt, a, sizeof(pt)),
			    0);
			memset(iv2, 0x5a, sizeof(iv2));
			assert_int_equal(
			    ike_crypto_cbc_encrypt(c, iv2, pt, b, half), 0);
			assert_int_equal(
			    ike_crypto_cbc_encrypt(c, iv2, pt + half, b + half,
			                           sizeof(pt) - half),
			    0);
			assert_memory_equal(a, b, sizeof(pt));
			assert_memory_equal(iv, iv2, alg->iv_len);
			assert_memory_not_equal(a, pt, sizeof(pt));
			memset(iv, 0x5a, sizeof(iv));
			assert_int_equal(
			    ike_crypto_cbc_decrypt(c, iv, a, b, sizeof(pt)), 0);
			assert_memory_equal(b, pt, sizeof(pt));
			assert_int_equal(
			    ike_crypto_cbc_encrypt(c, iv, pt, a, 3), -1);
			ike_crypto_cipher_free(c);
		}
		assert_null(
		    ike_crypto_cipher_new(alg, key, alg->key_max / 8 + 1));
	}
	assert_null(ike_crypto_cipher_new(ike_crypto_cipher_by_name("aes-cbc"),
	                                  key, 20));
}

/*
 * GCM test case 4 (McGrew/Viega, 128-bit key, 60-byte text, 20-byte AAD),
 * split as RFC 4106 does: the first 4 nonce bytes are the salt at the end
 * of the keying material, the other 8 the explicit IV.
 */
static void
test_aes_gcm(void **state)
{
	const struct ike_cipher_alg *alg = ike_crypto_cipher_by_esp(20);
	uint8_t key[36], iv[8], pt[64], aad[20], ct[64], buf[64], icv[16];
	size_t klen, plen, alen;
	struct ike_cipher_ctx *c;
	int round;

	(void)state;
	assert_non_null(alg);
	assert_int_equal(alg->mode, IKE_CIPHER_AEAD);
	klen = unhex("feffe9928665731c6d6a8f9467308308 cafebabe", key,
	             sizeof(key));
	unhex("facedbaddecaf888", iv, sizeof(iv));
	plen = unhex("d9313225f88406e5a55909c5aff5269a"
	             "86a7a9531534f7da2e4c303d8a318a72"
	             "1c3c0c95956809532fcf0e2449a6b525"
	             "b16aedf5aa0de657ba637b39",
	             pt, sizeof(pt));
	alen =
	    unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad, sizeof(aad));
	c = ike_crypto_cipher_new(alg, key, klen);
	assert_non_null(c);
	for (round = 0; round < 2; round++) { /* the context is reusable */
		assert_int_equal(
		    ike_crypto_aead_seal(c, iv, aad, alen, pt, ct, plen, icv),
		    0);
		assert_hex(ct, plen,
		           "42831ec2217774244b7221b784d0d49c"
		           "e3aa212f2c02a4e035c17e2329aca12e"
		           "21d514b25466931c7d8f6a5aac84aa05"
		           "1ba30b396a0aac973d58e091");
		assert_hex(icv, 16, "5bc94fbc3221a5db94fae95ae7121a47");
		assert_int_equal(
		    ike_crypto_aead_open(c, iv, aad, alen, ct, buf, plen, icv),
		    0);
		assert_memory_equal(buf, pt, plen);
	}
	icv[15] ^= 1;
	assert_int_equal(
	    ike_crypto_aead_open(c, iv, aad, alen, ct, buf, plen, icv), -1);
	icv[15] ^= 1;
	aad[0] ^= 1;
	memset(buf, 0x77, sizeof(buf));
	assert_int_equal(
	    ike_crypto_aead_open(c, iv, aad, alen, ct, buf, plen, icv), -1);
	assert_int_equal(buf[0], 0); /* failed plaintext is wiped */
	assert_int_equal(ike_crypto_cbc_encrypt(c, iv, pt, buf, 16), -1);
	ike_crypto_cipher_free(c);
	assert_null(ike_crypto_cipher_new(alg, key, 16)); /* salt missing */
}

static void
test_null_cipher(void **state)
{
	const struct ike_cipher_alg *alg = ike_crypto_cipher_by_esp(11);
	struct ike_cipher_ctx *c = ike_crypto_cipher_new(alg, NULL, 0);
	uint8_t buf[5] = {1, 2, 3, 4, 5}, out[5];

	(void)state;
	assert_non_null(c);
	assert_int_equal(ike_crypto_cbc_encrypt(c, NULL, buf, out, 5), 0);
	assert_memory_equal(buf, out, 5);
	ike_crypto_cipher_free(c);
}

static int
fixed_random(void *buf, size_t len)
{
	memset(buf, 0x42, len);
	return 0;
}

static int
failing_random(void *buf, size_t len)
{
	(void)buf;
	(void)len;
	return -1;
}

static void
test_misc(void **state)
{
	uint8_t a[32], b[32];
	ike_crypto_random_fn old;

	(void)state;
	memset(a, 1, sizeof(a));
	memcpy(b, a, sizeof(b));
	assert_true(ike_crypto_ct_equal(a, b, sizeof(a)));
	b[31] ^= 0x80;
	assert_false(ike_crypto_ct_equal(a, b, sizeof(a)));
	ike_crypto_cleanse(b, sizeof(b));
	memset(a, 0, sizeof(a));
	assert_memory_equal(a, b, sizeof(a));

	old = ike_crypto_set_random(fixed_random);
	assert_int_equal(ike_crypto_random(a, sizeof(a)), 0);
	assert_int_equal(a[0], 0x42);
	assert_int_equal(a[31], 0x42);
	ike_crypto_set_random(failing_random);
	assert_int_equal(ike_crypto_random(a, sizeof(a)), -1);
	assert_ptr_equal(ike_crypto_set_random(old), failing_random);
	ike_crypto_set_random(NULL);
	assert_int_equal(ike_crypto_random(a, sizeof(a)), 0);
	assert_int_equal(ike_crypto_init(), 0);
}

/* Both sides of every group agree; values have the wire lengths. */
static void
test_dh_agree(void **state)
{
	const struct ike_dh_group *g;
	struct ike_dh *a, *b;
	const uint8_t *pa, *pb, *sa, *sb;
	size_t i, la = 0, lb = 0, sla = 0, slb = 0;

	(void)state;
	for (i = 0; (g = ike_dh_group_at(i)) != NULL; i++) {
		a = ike_dh_new(g->id);
		b = ike_dh_new(g->id);
		assert_non_null(a);
		assert_non_null(b);
		assert_ptr_equal(ike_dh_group(a), g);
		assert_null(ike_dh_public(a, &la));
		assert_int_equal(ike_dh_derive(a, (const uint8_t *)"x", 1), -1);
		assert_int_equal(ike_dh_generate(a), 0);
		assert_int_equal(ike_dh_generate(b), 0);
		pa = ike_dh_public(a, &la);
		pb = ike_dh_public(b, &lb);
		assert_non_null(pa);
		assert_int_equal(la, g->pub_len);
		assert_int_equal(lb, g->pub_len);
		assert_memory_not_equal(pa, pb, la);
		assert_null(ike_dh_secret(a, &sla));
		assert_int_equal(ike_dh_derive(a, pb, lb), 0);
		assert_int_equal(ike_dh_derive(b, pa, la), 0);
		sa = ike_dh_secret(a, &sla);
		sb = ike_dh_secret(b, &slb);
		assert_non_null(sa);
		assert_int_equal(sla, g->secret_len);
		assert_int_equal(slb, g->secret_len);
		assert_memory_equal(sa, sb, sla);
		ike_dh_free(a);
		ike_dh_free(b);
	}
	assert_null(ike_dh_new(3)); /* EC2N: not supported */
	assert_null(ike_dh_group_get(0));
}

static void
expect_refused(uint16_t id, const uint8_t *v, size_t len)
{
	struct ike_dh *dh = ike_dh_new(id);

	assert_non_null(dh);
	assert_int_equal(ike_dh_generate(dh), 0);
	assert_int_equal(ike_dh_derive(dh, v, len), -1);
	assert_null(ike_dh_secret(dh, NULL));
	ike_dh_free(dh);
}

/* 0, 1, p - 1, p, > p, a non-subgroup element, wrong lengths: refused. */
static void
check_modp_bad(uint16_t id, BIGNUM *(*prime)(BIGNUM *))
{
	const struct ike_dh_group *g = ike_dh_group_get(id);
	uint8_t v[IKE_DH_PUB_MAX + 1];
	BIGNUM *p = prime(NULL), *x = BN_new();
	size_t n = g->pub_len;

	assert_non_null(p);
	assert_non_null(x);
	memset(v, 0, sizeof(v));
	expect_refused(id, v, n);
	v[n - 1] = 1;
	expect_refused(id, v, n);
	assert_true(BN_copy(x, p) != NULL && BN_sub_word(x, 1));
	assert_int_equal(BN_bn2binpad(x, v, (int)n), (int)n);
	expect_refused(id, v, n);
	assert_true(BN_sub_word(x, 1)); /* p - 2 = -2: a non-residue */
	assert_int_equal(BN_bn2binpad(x, v, (int)n), (int)n);
	expect_refused(id, v, n);
	assert_int_equal(BN_bn2binpad(p, v, (int)n), (int)n);
	expect_refused(id, v, n);
	memset(v, 0xff, sizeof(v));
	expect_refused(id, v, n);
	memset(v, 0, sizeof(v));
	v[n] = 4; /* 4 = 2^2 is valid, but one byte too long */
	expect_refused(id, v, n + 1);
	expect_refused(id, v + 1, n - 1);
	BN_free(p);
	BN_free(x);
}

static void
test_dh_bad_modp(void **state)
{
	(void)state;
	check_modp_bad(1, BN_get_rfc2409_prime_768);
	check_modp_bad(2, BN_get_rfc2409_prime_1024);
	check_modp_bad(5, BN_get_rfc3526_prime_1536);
	check_modp_bad(14, BN_get_rfc3526_prime_2048);
}

/* Points off the curve, (0, 0) and wrong lengths are refused. */
static void
test_dh_bad_ecp(void **state)
{
	struct ike_dh *dh;
	uint8_t v[IKE_DH_PUB_MAX + 1];
	const uint8_t *pub;
	size_t len = 0;
	uint16_t id;

	(void)state;
	for (id = 19; id <= 21; id++) {
		dh = ike_dh_new(id);
		assert_non_null(dh);
		assert_int_equal(ike_dh_generate(dh), 0);
		pub = ike_dh_public(dh, &len);
		memcpy(v, pub, len);
		ike_dh_free(dh);
		v[len - 1] ^= 1; /* y + 1 or y - 1: off the curve */
		expect_refused(id, v, len);
		v[len - 1] ^= 1;
		memset(v, 0, sizeof(v));
		expect_refused(id, v, len);
		memset(v, 0xff, sizeof(v));
		expect_refused(id, v, len);
		expect_refused(id, v, len + 1);
		expect_refused(id, v, len - 1);
	}
}

/*
 * Our wire format against OpenSSL used directly: a peer generated by the
 * test, its value stripped of 0x04 (ECP) or padded (MODP), gives the same
 * secret on both sides.
 */
static void
check_cross(uint16_t id, const char *type, const char *group)
{
	struct ike_dh *dh = ike_dh_new(id);
	const struct ike_dh_group *g = ike_dh_group_get(id);
	EVP_PKEY *peer = NULL, *mine = NULL;
	EVP_PKEY_CTX *ctx;
	OSSL_PARAM params[2];
	uint8_t ppub[1 + IKE_DH_PUB_MAX], want[IKE_DH_SECRET_MAX];
	const uint8_t *pub;
	size_t plen = 0, slen = sizeof(want), len = 0;
	int ecp = strcmp(type, "EC") == 0;

	assert_non_null(dh);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	                                             (char *)group, 0);
	params[1] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_params(ctx, params), 1);
	assert_int_equal(EVP_PKEY_generate(ctx, &peer), 1);
	EVP_PKEY_CTX_free(ctx);
	assert_non_null(peer);
	assert_int_equal(ike_dh_generate(dh), 0);
	pub = ike_dh_public(dh, &len);
	/* The peer's value in IKE format. */
	if (ecp) {
		assert_int_equal(EVP_PKEY_get_octet_string_param(
		                     peer, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
		                     ppub, sizeof(ppub), &plen),
		                 1);
		assert_int_equal(plen, g->pub_len + 1);
		assert_int_equal(ike_dh_derive(dh, ppub + 1, g->pub_len), 0);
	} else {
		BIGNUM *y = NULL;

		assert_int_equal(
		    EVP_PKEY_get_bn_param(peer, OSSL_PKEY_PARAM_PUB_KEY, &y),
		    1);
		assert_int_equal(BN_bn2binpad(y, ppub, g->pub_len), g->pub_len);
		BN_free(y);
		assert_int_equal(ike_dh_derive(dh, ppub, g->pub_len), 0);
	}
	/* Our value in OpenSSL's format, derived on the peer's side. */
	mine = EVP_PKEY_new();
	assert_int_equal(EVP_PKEY_copy_parameters(mine, peer), 1);
	ppub[0] = 0x04;
	memcpy(ppub + 1, pub, len);
	assert_int_equal(EVP_PKEY_set1_encoded_public_key(
	                     mine, ecp ? ppub : ppub + 1, ecp ? len + 1 : len),
	                 1);
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, peer, NULL);
	assert_int_equal(EVP_PKEY_derive_init(ctx), 1);
	if (!ecp)
		assert_int_equal(EVP_PKEY_CTX_set_dh_pad(ctx, 1), 1);
	assert_int_equal(EVP_PKEY_derive_set_peer(ctx, mine), 1);
	assert_int_equal(EVP_PKEY_derive(ctx, want, &slen), 1);
	assert_int_equal(slen, g->secret_len);
	assert_memory_equal(ike_dh_secret(dh, NULL), want, slen);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(mine);
	EVP_PKEY_free(peer);
	ike_dh_free(dh);
}

static void
test_dh_cross(void **state)
{
	(void)state;
	check_cross(14, "DH", "modp_2048");
	check_cross(19, "EC", "P-256");
	check_cross(20, "EC", "P-384");
}

/*
 * Groups 1 and 2 use the RFC 2409 primes and 5 to 16 the RFC 3526 ones,
 * all with g = 2: with the peer value 4 = 2^2 the secret must be
 * 4^x = (g^x)^2 mod p, which the test computes with the RFC prime.
 */
static void
test_dh_primes(void **state)
{
	static const struct {
		uint16_t id;
		BIGNUM *(*prime)(BIGNUM *);
	} v[] = {
	    {1, BN_get_rfc2409_prime_768},   {2, BN_get_rfc2409_prime_1024},
	    {5, BN_get_rfc3526_prime_1536},  {14, BN_get_rfc3526_prime_2048},
	    {15, BN_get_rfc3526_prime_3072}, {16, BN_get_rfc3526_prime_4096}};
	uint8_t four[IKE_DH_PUB_MAX], want[IKE_DH_PUB_MAX];
	const struct ike_dh_group *g;
	const uint8_t *pub;
	struct ike_dh *dh;
	BIGNUM *p, *y;
	BN_CTX *bctx = BN_CTX_new();
	size_t i, len = 0;

	(void)state;
	assert_non_null(bctx);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		g = ike_dh_group_get(v[i].id);
		p = v[i].prime(NULL);
		assert_int_equal(BN_num_bytes(p), g->pub_len);
		dh = ike_dh_new(v[i].id);
		assert_int_equal(ike_dh_generate(dh), 0);
		pub = ike_dh_public(dh, &len);
		memset(four, 0, sizeof(four));
		four[g->pub_len - 1] = 4;
		assert_int_equal(ike_dh_derive(dh, four, g->pub_len), 0);
		y = BN_bin2bn(pub, (int)len, NULL);
		assert_non_null(y);
		assert_int_equal(BN_mod_sqr(y, y, p, bctx), 1);
		assert_int_equal(BN_bn2binpad(y, want, g->secret_len),
		                 g->secret_len);
		assert_memory_equal(ike_dh_secret(dh, NULL), want,
		                    g->secret_len);
		ike_dh_free(dh);
		BN_free(y);
		BN_free(p);
	}
	BN_CTX_free(bctx);
}

/* --- key derivation --------------------------------------------------- */

struct p1_fixture {
	uint8_t psk[11], ni[16], nr[24], gxi[128], gxr[128], gxy[128];
	uint8_t sai[40], idi[12], idr[12];
	struct ike_keys_p1 in;
};

/* Fixed, recognisable inputs of realistic sizes. */
static void
p1_fixture(struct p1_fixture *f, enum ike_keys_auth auth)
{
	memcpy(f->psk, "secret-test", sizeof(f->psk));
	memset(f->ni, 0x11, sizeof(f->ni));
	memset(f->nr, 0x22, sizeof(f->nr));
	memset(f->gxi, 0x33, sizeof(f->gxi));
	memset(f->gxr, 0x44, sizeof(f->gxr));
	memset(f->gxy, 0x55, sizeof(f->gxy));
	memset(f->sai, 0x66, sizeof(f->sai));
	memset(f->idi, 0x77, sizeof(f->idi));
	memset(f->idr, 0x88, sizeof(f->idr));
	memset(&f->in, 0, sizeof(f->in));
	f->in.auth = auth;
	f->in.psk = iov(f->psk, sizeof(f->psk));
	f->in.ni = iov(f->ni, sizeof(f->ni));
	f->in.nr = iov(f->nr, sizeof(f->nr));
	f->in.gxi = iov(f->gxi, sizeof(f->gxi));
	f->in.gxr = iov(f->gxr, sizeof(f->gxr));
	f->in.gxy = iov(f->gxy, sizeof(f->gxy));
	memcpy(f->in.cky_i, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	memcpy(f->in.cky_r, "\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8", 8);
}

/* A byte string built piece by piece for the expected values. */
struct cat {
	uint8_t b[MAXBUF];
	size_t n;
};

static struct cat *
cat(struct cat *c, const void *p, size_t len)
{
	assert_true(c->n + len <= sizeof(c->b));
	memcpy(c->b + c->n, p, len);
	c->n += len;
	return c;
}

static void
hmac(const EVP_MD *md, const void *key, size_t klen, const struct cat *c,
     uint8_t *out)
{
	unsigned int len = 0;

	assert_non_null(HMAC(md, key, (int)klen, c->b, c->n, out, &len));
	assert_int_equal(len, EVP_MD_get_size(md));
}

/*
 * The SKEYID_d/_a/_e chain recomputed from SKEYID, checked against k.
 */
static void
check_chain(const struct ike_keys *k, const EVP_MD *md,
            const struct p1_fixture *f, const uint8_t *skeyid)
{
	uint8_t d[64], a[64], e[64];
	struct cat c;
	size_t n = (size_t)EVP_MD_get_size(md);

	assert_memory_equal(k->skeyid, skeyid, n);
	c.n = 0;
	cat(cat(cat(cat(&c, f->gxy, sizeof(f->gxy)), f->in.cky_i, 8),
	        f->in.cky_r, 8),
	    "\0", 1);
	hmac(md, skeyid, n, &c, d);
	c.n = 0;
	cat(cat(cat(cat(cat(&c, d, n), f->gxy, sizeof(f->gxy)), f->in.cky_i, 8),
	        f->in.cky_r, 8),
	    "\1", 1);
	hmac(md, skeyid, n, &c, a);
	c.n = 0;
	cat(cat(cat(cat(cat(&c, a, n), f->gxy, sizeof(f->gxy)), f->in.cky_i, 8),
	        f->in.cky_r, 8),
	    "\2", 1);
	hmac(md, skeyid, n, &c, e);
	assert_memory_equal(k->skeyid_d, d, n);
	assert_memory_equal(k->skeyid_a, a, n);
	assert_memory_equal(k->skeyid_e, e, n);
}

static struct ike_keys *
derive(const char *hash, const char *cipher, unsigned bits,
       const struct p1_fixture *f)
{
	struct ike_keys *k =
	    ike_keys_new(ike_crypto_hash_by_name(hash),
	                 ike_crypto_cipher_by_name(cipher), bits);

	assert_non_null(k);
	assert_int_equal(ike_keys_phase1(k, &f->in), 0);
	return k;
}

/* PSK: SKEYID = prf(psk, Ni_b | Nr_b); 3DES key 24 = K1(20) | K2(4). */
static void
test_keys_psk(void **state)
{
	struct p1_fixture f;
	struct ike_keys *k;
	uint8_t skeyid[20], k1[20], k2[20], iv[20];
	struct cat c;
	unsigned int len;

	(void)state;
	p1_fixture(&f, IKE_KEYS_AUTH_PSK);
	k = derive("sha1", "3des-cbc", 0, &f);
	c.n = 0;
	cat(cat(&c, f.ni, sizeof(f.ni)), f.nr, sizeof(f.nr));
	hmac(EVP_sha1(), f.psk, sizeof(f.psk), &c, skeyid);
	check_chain(k, EVP_sha1(), &f, skeyid);
	c.n = 0;
	hmac(EVP_sha1(), k->skeyid_e, 20, cat(&c, "\0", 1), k1);
	c.n = 0;
	hmac(EVP_sha1(), k->skeyid_e, 20, cat(&c, k1, 20), k2);
	assert_int_equal(k->key_len, 24);
	assert_memory_equal(k->enc_key, k1, 20);
	assert_memory_equal(k->enc_key + 20, k2, 4);
	/* Phase 1 IV = hash(g^xi | g^xr), first 8 bytes. */
	c.n = 0;
	cat(cat(&c, f.gxi, sizeof(f.gxi)), f.gxr, sizeof(f.gxr));
	assert_int_equal(EVP_Digest(c.b, c.n, iv, &len, EVP_sha1(), NULL), 1);
	assert_int_equal(k->iv_len, 8);
	assert_memory_equal(k->iv, iv, 8);
	ike_keys_free(k);

	f.in.psk.len = 0;
	k = ike_keys_new(ike_crypto_hash_by_name("sha1"),
	                 ike_crypto_cipher_by_name("3des-cbc"), 0);
	assert_int_equal(ike_keys_phase1(k, &f.in), -1);
	ike_keys_free(k);
}

/* Appendix B: AES-256 from SHA1 is 32 bytes = K1(20) | K2(12). */
static void
test_keys_appendix_b(void **state)
{
	struct p1_fixture f;
	struct ike_keys *k;
	uint8_t k1[20], k2[20];
	struct cat c;

	(void)state;
	p1_fixture(&f, IKE_KEYS_AUTH_PSK);
	k = derive("sha1", "aes-cbc", 256, &f);
	c.n = 0;
	hmac(EVP_sha1(), k->skeyid_e, 20, cat(&c, "\0", 1), k1);
	c.n = 0;
	hmac(EVP_sha1(), k->skeyid_e, 20, cat(&c, k1, 20), k2);
	assert_int_equal(k->key_len, 32);
	assert_memory_equal(k->enc_key, k1, 20);
	assert_memory_equal(k->enc_key + 20, k2, 12);
	assert_int_equal(k->iv_len, 16);
	ike_keys_free(k);

	/* Long enough SKEYID_e: the key is its start, no expansion. */
	k = derive("sha2-256", "aes-cbc", 128, &f);
	assert_memory_equal(k->enc_key, k->skeyid_e, 16);
	ike_keys_free(k);
	k = derive("md5", "blowfish-cbc", 448, &f); /* 56 = 4 blocks */
	c.n = 0;
	hmac(EVP_md5(), k->skeyid_e, 16, cat(&c, "\0", 1), k1);
	assert_memory_equal(k->enc_key, k1, 16);
	c.n = 0;
	hmac(EVP_md5(), k->skeyid_e, 16, cat(&c, k1, 16), k2);
	assert_memory_equal(k->enc_key + 16, k2, 16);
	ike_keys_free(k);

	assert_null(ike_keys_new(ike_crypto_hash_by_name("sha1"),
	                         ike_crypto_cipher_by_name("aes-cbc"), 200));
	assert_null(ike_keys_new(ike_crypto_hash_by_name("sha1"),
	                         ike_crypto_cipher_by_name("aes-gcm-16"), 128));
}

/* Signatures: SKEYID = prf(Ni_b | Nr_b, g^xy). */
static void
test_keys_sig(void **state)
{
	struct p1_fixture f;
	struct ike_keys *k;
	uint8_t nn[40], skeyid[32];
	struct cat c;

	(void)state;
	p1_fixture(&f, IKE_KEYS_AUTH_SIG);
	k = derive("sha2-256", "aes-cbc", 128, &f);
	memcpy(nn, f.ni, 16);
	memcpy(nn + 16, f.nr, 24);
	c.n = 0;
	hmac(EVP_sha256(), nn, sizeof(nn), cat(&c, f.gxy, sizeof(f.gxy)),
	     skeyid);
	check_chain(k, EVP_sha256(), &f, skeyid);
	ike_keys_free(k);
}

/* Public key encryption: SKEYID = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R). */
static void
test_keys_pke(void **state)
{
	struct p1_fixture f;
	struct ike_keys *k;
	uint8_t h[20], skeyid[20];
	unsigned int len;
	struct cat c;

	(void)state;
	p1_fixture(&f, IKE_KEYS_AUTH_PKE);
	k = derive("sha1", "aes-cbc", 128, &f);
	c.n = 0;
	cat(cat(&c, f.ni, sizeof(f.ni)), f.nr, sizeof(f.nr));
	assert_int_equal(EVP_Digest(c.b, c.n, h, &len, EVP_sha1(), NULL), 1);
	c.n = 0;
	cat(cat(&c, f.in.cky_i, 8), f.in.cky_r, 8);
	hmac(EVP_sha1(), h, 20, &c, skeyid);
	check_chain(k, EVP_sha1(), &f, skeyid);
	ike_keys_free(k);
}

/* HASH_I and HASH_R swap the DH values and cookies, not SAi_b. */
static void
test_keys_hash_auth(void **state)
{
	struct p1_fixture f;
	struct ike_keys *k;
	uint8_t got[32], want[32];
	struct cat c;

	(void)state;
	p1_fixture(&f, IKE_KEYS_AUTH_PSK);
	k = derive("sha2-256", "aes-cbc", 128, &f);
	c.n = 0;
	cat(cat(cat(cat(cat(cat(&c, f.gxi, 128), f.gxr, 128), f.in.cky_i, 8),
	            f.in.cky_r, 8),
	        f.sai, sizeof(f.sai)),
	    f.idi, sizeof(f.idi));
	hmac(EVP_sha256(), k->skeyid, 32, &c, want);
	assert_int_equal(ike_keys_hash_auth(k, &f.in, 1,
	                                    iov(f.sai, sizeof(f.sai)),
	                                    iov(f.idi, sizeof(f.idi)), got),
	                 0);
	assert_memory_equal(got, want, 32);
	c.n = 0;
	cat(cat(cat(cat(cat(cat(&c, f.gxr, 128), f.gxi, 128), f.in.cky_r, 8),
	            f.in.cky_i, 8),
	        f.sai, sizeof(f.sai)),
	    f.idr, sizeof(f.idr));
	hmac(EVP_sha256(), k->skeyid, 32, &c, want);
	assert_int_equal(ike_keys_hash_auth(k, &f.in, 0,
	                                    iov(f.sai, sizeof(f.sai)),
	                                    iov(f.idr, sizeof(f.idr)), got),
	                 0);
	assert_memory_equal(got, want, 32);
	ike_keys_free(k);
}

/* Phase 2 IV and Quick Mode HASH(1), HASH(2), HASH(3). */
static void
test_keys_qm(void **state)
{
	static const uint8_t mid[4] = {0xde, 0xad, 0xbe, 0xef};
	struct p1_fixture f;
	struct ike_keys *k;
	uint8_t last[16], rest[60], ni2[20], nr2[20], got[20], want[20];
	unsigned int len;
	struct cat c;

	(void)state;
	p1_fixture(&f, IKE_KEYS_AUTH_PSK);
	k = derive("sha1", "aes-cbc", 128, &f);
	memset(last, 0x99, sizeof(last));
	memset(rest, 0xab, sizeof(rest));
	memset(ni2, 0xcd, sizeof(ni2));
	memset(nr2, 0xef, sizeof(nr2));

	c.n = 0;
	cat(cat(&c, last, 16), mid, 4);
	assert_int_equal(EVP_Digest(c.b, c.n, want, &len, EVP_sha1(), NULL), 1);
	assert_int_equal(ike_keys_phase2_iv(k, last, 0xdeadbeef, got), 0);
	assert_memory_equal(got, want, 16);

	c.n = 0;
	hmac(EVP_sha1(), k->skeyid_a, 20, cat(cat(&c, mid, 4), rest, 60), want);
	assert_int_equal(
	    ike_keys_qm_hash1(k, 0xdeadbeef, iov(rest, sizeof(rest)), got), 0);
	assert_memory_equal(got, want, 20);

	c.n = 0;
	hmac(EVP_sha1(), k->skeyid_a, 20,
	     cat(cat(cat(&c, mid, 4), ni2, 20), rest, 60), want);
	assert_int_equal(ike_keys_qm_hash2(k, 0xdeadbeef, iov(ni2, 20),
	                                   iov(rest, sizeof(rest)), got),
	                 0);
	assert_memory_equal(got, want, 20);

	c.n = 0;
	hmac(EVP_sha1(), k->skeyid_a, 20,
	     cat(cat(cat(cat(&c, "\0", 1), mid, 4), ni2, 20), nr2, 20), want);
	assert_int_equal(
	    ike_keys_qm_hash3(k, 0xdeadbeef, iov(ni2, 20), iov(nr2, 20), got),
	    0);
	assert_memory_equal(got, want, 20);
	ike_keys_free(k);
}

/*
 * KEYMAT for ESP (protocol 3) with AES-256 + HMAC-SHA1 (52 bytes = K1 | K2
 * | 12 bytes of K3), with and without PFS.
 */
static void
test_keys_keymat(void **state)
{
	static const uint8_t spi[4] = {0x12, 0x34, 0x56, 0x78};
	struct p1_fixture f;
	struct ike_keys *k;
	struct ike_keys_p2 in;
	uint8_t ni2[20], nr2[20], gqm[256], got[52], want[60];
	struct cat seed, c;
	int pfs;

	(void)state;
	p1_fixture(&f, IKE_KEYS_AUTH_PSK);
	k = derive("sha1", "aes-cbc", 128, &f);
	memset(ni2, 0xcd, sizeof(ni2));
	memset(nr2, 0xef, sizeof(nr2));
	memset(gqm, 0x5c, sizeof(gqm));
	for (pfs = 0; pfs < 2; pfs++) {
		memset(&in, 0, sizeof(in));
		in.proto = 3;
		in.spi = 0x12345678;
		in.ni = iov(ni2, sizeof(ni2));
		in.nr = iov(nr2, sizeof(nr2));
		seed.n = 0;
		if (pfs) {
			in.gqm = iov(gqm, sizeof(gqm));
			cat(&seed, gqm, sizeof(gqm));
		}
		cat(cat(cat(cat(&seed, "\3", 1), spi, 4), ni2, 20), nr2, 20);
		hmac(EVP_sha1(), k->skeyid_d, 20, &seed, want);
		c.n = 0;
		cat(cat(&c, want, 20), seed.b, seed.n);
		hmac(EVP_sha1(), k->skeyid_d, 20, &c, want + 20);
		c.n = 0;
		cat(cat(&c, want + 20, 20), seed.b, seed.n);
		hmac(EVP_sha1(), k->skeyid_d, 20, &c, want + 40);
		assert_int_equal(ike_keys_keymat(k, &in, got, sizeof(got)), 0);
		assert_memory_equal(got, want, sizeof(got));
	}
	assert_int_equal(ike_keys_keymat(k, &in, got, 0), -1);
	ike_keys_free(k);
}

/*
 * End to end: two DH contexts, PSK phase 1 keys on both sides equal, and
 * the derived cipher key decrypts what the other side encrypted.
 */
static void
test_keys_with_dh(void **state)
{
	struct ike_dh *a = ike_dh_new(14), *b = ike_dh_new(14);
	struct p1_fixture f;
	struct ike_keys *ka, *kb;
	struct ike_cipher_ctx *ca, *cb;
	uint8_t pt[32], ct[32], out[32], iva[16], ivb[16];
	const uint8_t *pub;
	size_t len = 0;

	(void)state;
	assert_int_equal(ike_dh_generate(a), 0);
	assert_int_equal(ike_dh_generate(b), 0);
	pub = ike_dh_public(b, &len);
	assert_int_equal(ike_dh_derive(a, pub, len), 0);
	pub = ike_dh_public(a, &len);
	assert_int_equal(ike_dh_derive(b, pub, len), 0);
	p1_fixture(&f, IKE_KEYS_AUTH_PSK);
	f.in.gxi.base = ike_dh_public(a, &f.in.gxi.len);
	f.in.gxr.base = ike_dh_public(b, &f.in.gxr.len);
	f.in.gxy.base = ike_dh_secret(a, &f.in.gxy.len);
	ka = derive("sha2-256", "aes-cbc", 256, &f);
	f.in.gxy.base = ike_dh_secret(b, &f.in.gxy.len);
	kb = derive("sha2-256", "aes-cbc", 256, &f);
	assert_memory_equal(ka->enc_key, kb->enc_key, 32);
	assert_memory_equal(ka->iv, kb->iv, 16);
	ca = ike_crypto_cipher_new(ka->cipher, ka->enc_key, ka->key_len);
	cb = ike_crypto_cipher_new(kb->cipher, kb->enc_key, kb->key_len);
	memset(pt, 0x3c, sizeof(pt));
	memcpy(iva, ka->iv, 16);
	memcpy(ivb, kb->iv, 16);
	assert_int_equal(ike_crypto_cbc_encrypt(ca, iva, pt, ct, 32), 0);
	assert_int_equal(ike_crypto_cbc_decrypt(cb, ivb, ct, out, 32), 0);
	assert_memory_equal(out, pt, 32);
	assert_memory_equal(iva, ivb, 16);
	ike_crypto_cipher_free(ca);
	ike_crypto_cipher_free(cb);
	ike_keys_free(ka);
	ike_keys_free(kb);
	ike_dh_free(a);
	ike_dh_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hmac_rfc2202),
	    cmocka_unit_test(test_hmac_rfc4231),
	    cmocka_unit_test(test_hash_ripemd_tiger),
	    cmocka_unit_test(test_hmac_tiger),
	    cmocka_unit_test(test_hash_pieces),
	    cmocka_unit_test(test_tables),
	    cmocka_unit_test(test_aes_cbc_rfc3602),
	    cmocka_unit_test(test_legacy_kat),
	    cmocka_unit_test(test_cbc_roundtrip),
	    cmocka_unit_test(test_aes_gcm),
	    cmocka_unit_test(test_null_cipher),
	    cmocka_unit_test(test_misc),
	    cmocka_unit_test(test_dh_agree),
	    cmocka_unit_test(test_dh_bad_modp),
	    cmocka_unit_test(test_dh_bad_ecp),
	    cmocka_unit_test(test_dh_cross),
	    cmocka_unit_test(test_dh_primes),
	    cmocka_unit_test(test_keys_psk),
	    cmocka_unit_test(test_keys_appendix_b),
	    cmocka_unit_test(test_keys_sig),
	    cmocka_unit_test(test_keys_pke),
	    cmocka_unit_test(test_keys_hash_auth),
	    cmocka_unit_test(test_keys_qm),
	    cmocka_unit_test(test_keys_keymat),
	    cmocka_unit_test(test_keys_with_dh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
