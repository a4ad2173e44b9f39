/*
 * isdn_token.c - callback tokens (C4).  The caller creates a random token
 * of limited validity per peer and sends it with its address; the peer
 * returns it in IKE phase 1, where it identifies the peer without its
 * address.  A token is good once: the first verify marks it used, a later
 * one is refused as replayed until the slot expires and is swept, after
 * which it is simply unknown.  Comparison is constant time.
 */
#include "isdn.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

void
isdn_token_store_init(struct isdn_token_store *st, struct isdn_token *slots,
                      size_t cap)
{
	st->slots = slots;
	st->cap = cap;
	if (slots != NULL)
		memset(slots, 0, cap * sizeof(*slots));
}

static struct isdn_token *
slot_of(const struct isdn_token_store *st, uint32_t peer_id)
{
	size_t i;

	for (i = 0; i < st->cap; i++)
		if (st->slots[i].state != ISDN_TOKEN_EMPTY &&
		    st->slots[i].peer_id == peer_id)
			return &st->slots[i];
	return NULL;
}

static struct isdn_token *
slot_free(const struct isdn_token_store *st)
{
	size_t i;

	for (i = 0; i < st->cap; i++)
		if (st->slots[i].state == ISDN_TOKEN_EMPTY)
			return &st->slots[i];
	return NULL;
}

enum isdn_token_err
isdn_token_create(struct isdn_token_store *st, uint32_t peer_id,
                  const uint8_t addr[4], int64_t now, uint32_t lifetime,
                  struct isdn_token **out)
{
	struct isdn_token *t;
	uint8_t tok[ISDN_TOKEN_LEN];

	if (st == NULL || addr == NULL || lifetime == 0)
		return ISDN_TOKEN_ERR_ARG;
	t = slot_of(st, peer_id);
	if (t == NULL)
		t = slot_free(st);
	if (t == NULL)
		return ISDN_TOKEN_ERR_FULL;
	if (RAND_bytes(tok, sizeof(tok)) != 1)
		return ISDN_TOKEN_ERR_RAND;
	memset(t, 0, sizeof(*t));
	t->peer_id = peer_id;
	t->state = ISDN_TOKEN_ACTIVE;
	memcpy(t->token, tok, sizeof(tok));
	memcpy(t->addr, addr, 4);
	t->created = now;
	t->expires = now + (int64_t)lifetime;
	OPENSSL_cleanse(tok, sizeof(tok));
	if (out != NULL)
		*out = t;
	return ISDN_TOKEN_OK;
}

/* Every occupied slot is compared, so the time taken does not depend on
 * which slot (if any) matches. */
enum isdn_token_err
isdn_token_verify(struct isdn_token_store *st,
                  const uint8_t token[ISDN_TOKEN_LEN], int64_t now,
                  uint32_t *peer_id)
{
	struct isdn_token *hit = NULL;
	size_t i;

	if (st == NULL || token == NULL)
		return ISDN_TOKEN_ERR_ARG;
	for (i = 0; i < st->cap; i++) {
		struct isdn_token *t = &st->slots[i];

		if (t->state != ISDN_TOKEN_EMPTY &&
		    CRYPTO_memcmp(t->token, token, ISDN_TOKEN_LEN) == 0)
			hit = t;
	}
	if (hit == NULL)
		return ISDN_TOKEN_ERR_WRONG;
	if (peer_id != NULL)
		*peer_id = hit->peer_id;
	if (hit->state == ISDN_TOKEN_USED)
		return ISDN_TOKEN_ERR_REPLAYED;
	if (now >= hit->expires)
		return ISDN_TOKEN_ERR_EXPIRED;
	hit->state = ISDN_TOKEN_USED;
	return ISDN_TOKEN_OK;
}

const struct isdn_token *
isdn_token_find(const struct isdn_token_store *st, uint32_t peer_id)
{
	return slot_of(st, peer_id);
}

uint32_t
isdn_token_remaining(const struct isdn_token *t, int64_t now)
{
	if (t == NULL || t->state == ISDN_TOKEN_EMPTY || now >= t->expires)
		return 0;
	if (t->expires - now > (int64_t)UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)(t->expires - now);
}

void
isdn_token_remove(struct isdn_token_store *st, uint32_t peer_id)
{
	struct isdn_token *t = slot_of(st, peer_id);

	if (t != NULL)
		OPENSSL_cleanse(t, sizeof(*t));
}

size_t
isdn_token_expire(struct isdn_token_store *st, int64_t now)
{
	size_t i, n = 0;

	for (i = 0; i < st->cap; i++) {
		struct isdn_token *t = &st->slots[i];

		if (t->state != ISDN_TOKEN_EMPTY && now >= t->expires) {
			OPENSSL_cleanse(t, sizeof(*t));
			n++;
		}
	}
	return n;
}

const char *
isdn_token_err_str(enum isdn_token_err e)
{
	switch (e) {
	case ISDN_TOKEN_OK:
		return "ok";
	case ISDN_TOKEN_ERR_WRONG:
		return "unknown token";
	case ISDN_TOKEN_ERR_EXPIRED:
		return "token expired";
	case ISDN_TOKEN_ERR_REPLAYED:
		return "token already used";
	case ISDN_TOKEN_ERR_FULL:
		return "token store full";
	case ISDN_TOKEN_ERR_RAND:
		return "random generator failed";
	case ISDN_TOKEN_ERR_ARG:
		return "invalid argument";
	}
	return "unknown error";
}
