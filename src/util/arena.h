/*
 * arena.h: a region allocator.  Many small allocations that live and die
 * together (a loaded framework, a parse tree) come from one arena and are
 * released by one bb_arena_free().  Allocation never fails (it aborts when
 * memory is out, like bb_malloc); memory is zeroed.
 */
#ifndef BB_ARENA_H
#define BB_ARENA_H

#include <stddef.h>

struct bb_arena;

/* A new, empty arena; free it with bb_arena_free(). */
struct bb_arena *bb_arena_new(void);
/* Release the arena and everything allocated from it.  Accepts NULL. */
void bb_arena_free(struct bb_arena *a);
/* n zeroed bytes, aligned for any type, valid until the arena is freed. */
void *bb_arena_alloc(struct bb_arena *a, size_t n);
/* An array of n items of `size` bytes (zeroed); overflow aborts. */
void *bb_arena_array(struct bb_arena *a, size_t n, size_t size);
/* Copies of strings in the arena (NUL-terminated). */
char *bb_arena_strdup(struct bb_arena *a, const char *s);
char *bb_arena_strndup(struct bb_arena *a, const char *s, size_t n);
/* Bytes handed out so far (for caps and tests). */
size_t bb_arena_used(const struct bb_arena *a);

#endif
