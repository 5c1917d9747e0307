package io.c2c.discovery.service;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition of a site id, computed exactly as the Kafka producer's default partitioner places
 * a keyed record (murmur2 of the key bytes, made positive, modulo the partition count), so that
 * any instance can tell which partition, and therefore which owner, a site belongs to.
 */
public final class SitePartitioner {

    private SitePartitioner() {
    }

    public static int partition(String siteId, int partitions) {
        return Utils.toPositive(Utils.murmur2(siteId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
