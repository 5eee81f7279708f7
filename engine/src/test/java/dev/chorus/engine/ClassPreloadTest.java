package dev.chorus.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClassPreloadTest {
    @Test
    void everyListedChorusClassExists() {
        assertThat(ClassPreload.names()).hasSizeGreaterThan(500)
                .contains("dev.chorus.engine.session.CallSession", "io.netty.handler.ssl.SslHandler");
        // Renamed or removed Chorus classes mean the list is stale: regenerate it (see ClassPreload).
        assertThat(ClassPreload.run()).noneMatch(name -> name.startsWith("dev.chorus."));
    }
}
