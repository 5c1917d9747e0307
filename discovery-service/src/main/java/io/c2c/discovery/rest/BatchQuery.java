package io.c2c.discovery.rest;

import java.util.List;

/** Body of the batch query: one asker, one limit, several asset hashes. */
public record BatchQuery(String near, Integer limit, List<String> assets) {
}
