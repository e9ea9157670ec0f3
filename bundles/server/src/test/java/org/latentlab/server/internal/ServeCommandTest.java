package org.latentlab.server.internal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ServeCommandTest {

    @Test
    void aLocalAddressWithAFreePortIsFine() {
        assertNull(ServeCommand.checkAddress("127.0.0.1", 0));
    }

    @Test
    void anUnknownHostIsBadUsage() {
        String m = ServeCommand.checkAddress("no-such-host.invalid", 0);
        assertTrue(m.startsWith("--host no-such-host.invalid is not a known host name or address"), m);
    }

    @Test
    void anAddressOfAnotherMachineIsBadUsage() {
        String m = ServeCommand.checkAddress("192.0.2.1", 0); // TEST-NET-1: never an address of this machine
        assertTrue(m.startsWith("--host 192.0.2.1 (192.0.2.1) is not an address of this machine"), m);
    }

    @Test
    void aTakenPortIsSaid() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String m = ServeCommand.checkAddress("127.0.0.1", taken.getLocalPort());
            assertTrue(m.startsWith("port " + taken.getLocalPort() + " on 127.0.0.1 is in use"), m);
        }
    }
}
