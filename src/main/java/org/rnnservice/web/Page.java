package org.rnnservice.web;

import java.util.List;
import java.util.function.Function;

/** One page of a listing, the same for every list of the API: its items, the page (from 0), its size and the total. */
public record Page<T>(List<T> items, int page, int size, int total) {

    /** Page {@code page} of {@code size} of {@code all}, each item shown as {@code view} makes it. */
    public static <S, T> Page<T> of(List<S> all, int page, int size, Function<S, T> view) {
        int from = (int) Math.min((long) page * size, all.size());
        int to = Math.min(from + size, all.size());
        return new Page<>(all.subList(from, to).stream().map(view).toList(), page, size, all.size());
    }

    /** Page {@code page} of {@code size} whose items the store read, of {@code total} in all. */
    public static <S, T> Page<T> ofStored(List<S> items, int total, int page, int size, Function<S, T> view) {
        return new Page<>(items.stream().map(view).toList(), page, size, total);
    }
}
