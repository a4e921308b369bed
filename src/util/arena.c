/*
 * arena.c: a region allocator: a chain of blocks, each carved from the front;
 * a request larger than a quarter of a block gets a block of its own.
 */
#include "util/arena.h"
#include "util/bb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE (64u * 1024)
#define ALIGN 16u

struct block {
	struct block *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

struct bb_arena {
	struct block *head;
	size_t total;
};

struct bb_arena *
bb_arena_new(void)
{
	return bb_calloc(1, sizeof(struct bb_arena));
}

void
bb_arena_free(struct bb_arena *a)
{
	struct block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

static struct block *
new_block(size_t size)
{
	struct block *b;

	if (size > SIZE_MAX - sizeof(*b))
		bb_malloc(SIZE_MAX);	/* aborts with the message */
	b = bb_malloc(sizeof(*b) + size);
	b->next = NULL;
	b->used = 0;
	b->size = size;
	return b;
}

void *
bb_arena_alloc(struct bb_arena *a, size_t n)
{
	struct block *b = a->head;
	size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	void *p;

	if (need < n)
		bb_malloc(SIZE_MAX);
	if (need > BLOCK_SIZE / 4) {
		/* A big one: its own block, chained behind the current one so
		 * the current block keeps serving small requests. */
		struct block *big = new_block(need);
		big->used = need;
		if (b != NULL) {
			big->next = b->next;
			b->next = big;
		} else
			a->head = big;
		a->total += need;
		memset(big->data, 0, need);
		return big->data;
	}
	if (b == NULL || b->size - b->used < need) {
		b = new_block(BLOCK_SIZE);
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += need;
	a->total += need;
	memset(p, 0, need);
	return p;
}

void *
bb_arena_array(struct bb_arena *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		bb_malloc(SIZE_MAX);
	return bb_arena_alloc(a, n * size);
}

char *
bb_arena_strndup(struct bb_arena *a, const char *s, size_t n)
{
	char *p = bb_arena_alloc(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
bb_arena_strdup(struct bb_arena *a, const char *s)
{
	return bb_arena_strndup(a, s, strlen(s));
}

size_t
bb_arena_used(const struct bb_arena *a)
{
	return a->total;
}
