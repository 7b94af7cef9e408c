/* mem.c -- the allocation funnel.
 *
 * Every allocation of the library goes through these functions (and
 * libcsv's, through csv_set_realloc_func), so that a fault-injection test
 * can wrap att_mem_alloc/att_mem_realloc at link time and make the n-th
 * allocation fail.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void *
att_mem_alloc(size_t size)
{
    return malloc(size != 0 ? size : 1);
}

void *
att_mem_calloc(size_t count, size_t size)
{
    void *p;

    if (size != 0 && count > (size_t)-1 / size)
        return NULL;
    p = att_mem_alloc(count * size);
    if (p != NULL)
        memset(p, 0, count * size);
    return p;
}

void *
att_mem_realloc(void *ptr, size_t size)
{
    return realloc(ptr, size != 0 ? size : 1);
}

void
att_mem_free(void *ptr)
{
    free(ptr);
}

char *
att_mem_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = att_mem_alloc(n);

    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

void *
att_mem_carve(void *base, size_t *off, size_t count, size_t size)
{
    size_t at = *off;

    if (at > SIZE_MAX - (ATT_MEM_ALIGN - 1)) {
        *off = SIZE_MAX;
        return NULL;
    }
    at = (at + (ATT_MEM_ALIGN - 1)) / ATT_MEM_ALIGN * ATT_MEM_ALIGN;
    if (size != 0 && count > (SIZE_MAX - at) / size) {
        *off = SIZE_MAX;
        return NULL;
    }
    *off = at + count * size;
    return base == NULL ? NULL : (unsigned char *)base + at;
}

void *
att_mem_align(void *raw)
{
    size_t skip = (ATT_MEM_ALIGN - (size_t)((uintptr_t)raw % ATT_MEM_ALIGN)) % ATT_MEM_ALIGN;

    return (unsigned char *)raw + skip;
}
