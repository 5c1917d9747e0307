package io.c2c.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.NetworkInterface;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When {@code ./c2c test} runs the suite in a network namespace (as root, as in CI), the test JVMs
 * must really be in it: loopback is the only interface, so nothing a test starts (browsers, brokers,
 * services) can send traffic off the machine.
 */
class NetworkNamespaceTest {

    @Test
    void testJvmSeesOnlyLoopbackInsideTheTestNamespace() throws Exception {
        String namespace = System.getenv("C2C_TEST_NETNS");
        assumeTrue(namespace != null && !namespace.isBlank(), "not run through ./c2c test as root");

        List<String> interfaces = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .map(NetworkInterface::getName).toList();

        assertEquals(List.of("lo"), interfaces, "interfaces visible in namespace " + namespace);
    }
}
