package dev.audiencerelay.web;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code limit} and {@code after} query parameters of every admin list. A list query fetches
 * {@link #fetchSize()} rows, one more than it shows, to learn whether a next page exists without a
 * count.
 *
 * @param limit how many items a page shows: 1 to {@value #MAX_LIMIT}, {@value #DEFAULT_LIMIT} when absent
 * @param after the cursor of the previous page's last item, or null for the first page
 */
public record ListParams(int limit, String after) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /** Reads the raw query values, answering 400 for a limit that is not a whole number in range. */
    public static ListParams of(String limit, String after) {
        String cursor = after == null || after.isBlank() ? null : after.trim();
        if (limit == null || limit.isBlank()) {
            return new ListParams(DEFAULT_LIMIT, cursor);
        }
        try {
            int parsed = Integer.parseInt(limit.trim());
            if (parsed >= 1 && parsed <= MAX_LIMIT) {
                return new ListParams(parsed, cursor);
            }
        } catch (NumberFormatException e) {
            // answered below like any other out-of-range value
        }
        throw invalidQuery("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }

    /** The cursor as the id it holds, for lists ordered by id; 0 on the first page. */
    public long afterId() {
        if (after == null) {
            return 0;
        }
        try {
            return Long.parseLong(after);
        } catch (NumberFormatException e) {
            throw invalidQuery("after", "must be the 'next' value of the previous page");
        }
    }

    public int fetchSize() {
        return limit + 1;
    }

    /** Cuts the fetched rows to one page; {@code next} names the last item shown when more rows exist. */
    public <T> Page<T> page(List<T> fetched, Function<T, String> cursorOf) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = List.copyOf(fetched.subList(0, limit));
        return new Page<>(items, cursorOf.apply(items.getLast()));
    }

    /** A 400 naming one query parameter, shaped like a Bean Validation failure. */
    public static ProblemException invalidQuery(String parameter, String message) {
        return new ProblemException(
                400,
                "Bad Request",
                "The request is invalid: " + parameter,
                List.of(new Problem.Violation(parameter, "query", message)),
                Map.of());
    }
}
