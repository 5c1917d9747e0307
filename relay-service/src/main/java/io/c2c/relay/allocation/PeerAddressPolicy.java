package io.c2c.relay.allocation;

import io.c2c.net.AddressClassifier;
import io.c2c.net.AddressPolicy;
import io.c2c.net.Cidr;
import java.net.InetAddress;
import java.util.List;

/**
 * Which peer addresses the relay may send to: public ones only, unless the operator allow-list
 * ({@code c2c.relay.relay.allowed-peers}) names the network. The deny list itself is the platform's one
 * {@link AddressClassifier} (loopback, private, CGNAT, link-local and cloud metadata, multicast, broadcast and
 * reserved, documentation, benchmarking, transition ranges; IPv6 forms that embed IPv4 judged by the embedded
 * address). What is relay-specific lives here: its allow-list and the IPv4 form it sends to.
 */
public final class PeerAddressPolicy {

    private final AddressPolicy policy;

    public PeerAddressPolicy(List<Cidr> allowed) {
        this.policy = new AddressPolicy(allowed);
    }

    public static PeerAddressPolicy fromConfig(List<String> allowedCidrs) {
        return new PeerAddressPolicy(AddressPolicy.fromConfig(allowedCidrs).allowed());
    }

    /** True if the relay may send to (and accept from) {@code address}. */
    public boolean permits(InetAddress address) {
        return policy.permits(address);
    }

    /**
     * The address to actually send to: an IPv4-mapped IPv6 address becomes its IPv4 form (it is
     * relayed, and judged by the family rules, as the IPv4 peer it names), anything else is returned as is.
     */
    public static InetAddress normalize(InetAddress address) {
        return AddressClassifier.unmapped(address);
    }
}
