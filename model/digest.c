/* digest.c -- SHA-256 with Nettle (FIPS 180-4), printed as hex. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <nettle/sha2.h>

#include <attrition/att_digest.h>

#include "internal.h"

static void
digest_hex(struct sha256_ctx *h, char out[ATT_DIGEST_HEX])
{
    uint8_t d[SHA256_DIGEST_SIZE];
    size_t i;

    sha256_digest(h, SHA256_DIGEST_SIZE, d);
    for (i = 0; i < SHA256_DIGEST_SIZE; i++)
        (void)snprintf(out + 2 * i, 3, "%02x", d[i]);
}

void
att_digest_bytes(const void *data, size_t len, char out[ATT_DIGEST_HEX])
{
    struct sha256_ctx h;

    sha256_init(&h);
    sha256_update(&h, len, data);
    digest_hex(&h, out);
}

static void
digest_part(struct sha256_ctx *h, const void *data, size_t len)
{
    char len_text[32];

    (void)snprintf(len_text, sizeof len_text, "%zu\n", len);
    sha256_update(h, strlen(len_text), (const uint8_t *)len_text);
    sha256_update(h, len, data);
}

void
att_digest_parts(const void *const *data, const size_t *len, size_t n, char out[ATT_DIGEST_HEX])
{
    struct sha256_ctx h;
    size_t i;

    sha256_init(&h);
    for (i = 0; i < n; i++)
        digest_part(&h, data[i], len[i]);
    digest_hex(&h, out);
}

att_status
att_digest_files(const char *const *paths, size_t n, char out[ATT_DIGEST_HEX], att_error *err)
{
    struct sha256_ctx h;
    size_t i;

    sha256_init(&h);
    for (i = 0; i < n; i++) {
        char *text = NULL;
        size_t len = 0;
        att_status st = att_file_slurp(paths[i], &text, &len, err);
        if (st != ATT_OK)
            return st;
        digest_part(&h, text, len);
        att_mem_free(text);
    }
    digest_hex(&h, out);
    return ATT_OK;
}
