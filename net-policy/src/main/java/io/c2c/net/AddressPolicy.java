package io.c2c.net;

import java.net.InetAddress;
import java.util.List;

/**
 * Which addresses a service may reach: {@link AddressKind#PUBLIC} ones, plus whatever an operator allow-list names
 * (e.g. {@code 127.0.0.0/8} for a local stack). An IPv6 form that embeds an allow-listed IPv4 address is allowed
 * too. Each service keeps its own allow-list setting and decides what to do with a refusal.
 */
public final class AddressPolicy {

    private final Cidr[] allowed;

    public AddressPolicy(List<Cidr> allowed) {
        this.allowed = allowed.toArray(Cidr[]::new);
    }

    /** From configuration strings; blank entries are skipped, anything else must parse as a {@link Cidr}. */
    public static AddressPolicy fromConfig(List<String> allowedCidrs) {
        return new AddressPolicy(allowedCidrs.stream().filter(s -> !s.isBlank()).map(Cidr::parse).toList());
    }

    public List<Cidr> allowed() {
        return List.of(allowed);
    }

    /** Whether {@code address} may be reached. */
    public boolean permits(InetAddress address) {
        return permits(address.getAddress());
    }

    /** Whether the raw address (4 or 16 bytes) may be reached. */
    public boolean permits(byte[] raw) {
        return (allowed.length > 0 && isAllowListed(raw)) || AddressClassifier.isPublic(raw);
    }

    private boolean isAllowListed(byte[] raw) {
        int offset = AddressClassifier.embeddedIpv4Offset(raw);
        int embedded = offset < 0 ? 0 : AddressClassifier.ipv4At(raw, offset);
        for (Cidr cidr : allowed) {
            if (cidr.contains(raw) || (offset >= 0 && cidr.containsIpv4(embedded))) {
                return true;
            }
        }
        return false;
    }
}
