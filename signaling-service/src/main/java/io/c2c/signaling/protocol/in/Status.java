package io.c2c.signaling.protocol.in;

import io.c2c.contracts.event.Coordinate;

/**
 * {@code status}: what the peer offers now, sent whenever it changes after {@code hello}: its upload
 * capacity (0 when the visitor opted out, turned on Save-Data or the site's GPC rule applies), what it
 * is uploading right now, and its Vivaldi network coordinate. Carried in the peer's next heartbeat
 * event so discovery ranks it by current figures; visitor-reported, so bounded and used only for ranking.
 *
 * @param uploadCapacity bytes per second the peer offers to upload to others
 * @param uploadRate     bytes per second it is uploading now
 * @param coordinate     its Vivaldi coordinate, or null when it has none yet
 */
public record Status(String id, long uploadCapacity, long uploadRate, Coordinate coordinate) implements ClientMessage {

    public static final String TYPE = "status";
}
