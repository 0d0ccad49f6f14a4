package dev.audiencerelay.web;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * One page of a list answer. {@code next} is the cursor to pass as {@code after} for the following
 * page, or null on the last page.
 */
@RegisterForReflection
public record Page<T>(List<T> items, String next) {}
