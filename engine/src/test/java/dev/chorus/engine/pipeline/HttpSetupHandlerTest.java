package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.TemplateValues;
import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.AgentConfigLoader;
import dev.chorus.engine.session.CallFailedException;
import dev.chorus.engine.session.ErrorClass;
import dev.chorus.engine.session.NanoClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

class HttpSetupHandlerTest {
    private static final TemplateValues VALUES = (name, inside, out) -> {
        if (name.equals("call_id")) {
            if (inside) {
                dev.chorus.codecs.template.JsonText.writeJsonEscaped("c\"1", out);
            } else {
                out.writeCharSequence("c\"1", StandardCharsets.UTF_8);
            }
            return true;
        }
        return false;
    };

    private static AgentConfig config() throws Exception {
        return AgentConfigLoader.parse("{\"connection_mode\": \"http_first\", "
                + "\"http_endpoint\": \"https://api.example.com:8443/v1/sessions?x=1\", \"http_method\": \"put\", "
                + "\"http_body\": {\"call\": \"{{call_id}}\"}, \"http_headers\": {\"X-Key\": \"k\"}, "
                + "\"authorization_header\": \"Bearer ws-only\", \"custom_headers\": {\"X-WS\": \"1\"}, "
                + "\"websocket_url_response_path\": \"url\"}", "agent.json", Path.of("."));
    }

    private static final class Outcome implements HttpSetupHandler.Listener {
        int status = -1;
        String body;
        Throwable failure;
        int calls;

        @Override
        public void setupAnswered(int status, ByteBuf body, long answeredNanos) {
            calls++;
            this.status = status;
            this.body = body.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void setupFailed(Throwable cause) {
            calls++;
            failure = cause;
        }
    }

    @Test
    void buildsTheRequestFromHttpKeysOnly() throws Exception {
        FullHttpRequest r = HttpSetupHandler.request(config(), "call-1", VALUES, ByteBufAllocator.DEFAULT);
        try {
            assertThat(r.method()).isEqualTo(HttpMethod.PUT);
            assertThat(r.uri()).isEqualTo("/v1/sessions?x=1");
            assertThat(r.headers().get("Host")).isEqualTo("api.example.com:8443");
            assertThat(r.headers().get("X-Key")).isEqualTo("k");
            assertThat(r.headers().get("X-Chorus-Call-Id")).isEqualTo("call-1");
            assertThat(r.headers().get("Authorization")).isNull();
            assertThat(r.headers().get("X-WS")).isNull();
            assertThat(r.content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"call\":\"c\\\"1\"}");
            assertThat(r.headers().getInt("Content-Length")).isEqualTo(r.content().readableBytes());
        } finally {
            r.release();
        }
    }

    @Test
    void sendsOnActiveAndHandsOverTheReplyOnce() throws Exception {
        Outcome outcome = new Outcome();
        FullHttpRequest request = HttpSetupHandler.request(config(), "call-1", VALUES, ByteBufAllocator.DEFAULT);
        EmbeddedChannel ch = new EmbeddedChannel(new HttpSetupHandler(request, outcome,
                System.nanoTime() + 5_000_000_000L, 5000, NanoClock.SYSTEM));
        FullHttpRequest sent = ch.readOutbound();
        assertThat(sent).isSameAs(request);
        sent.release();
        ch.writeInbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED,
                Unpooled.copiedBuffer("{\"url\": \"wss://x\"}", StandardCharsets.UTF_8)));
        assertThat(outcome.status).isEqualTo(201);
        assertThat(outcome.body).isEqualTo("{\"url\": \"wss://x\"}");
        assertThat(ch.isOpen()).isFalse();
        assertThat(outcome.calls).isEqualTo(1);
        assertFalse(ch.finish());
    }

    @Test
    void failsWithHttpSetupFailedWhenNotAnsweredByTheDeadline() throws Exception {
        Outcome outcome = new Outcome();
        FullHttpRequest request = HttpSetupHandler.request(config(), "call-1", VALUES, ByteBufAllocator.DEFAULT);
        EmbeddedChannel ch = new EmbeddedChannel(new HttpSetupHandler(request, outcome, System.nanoTime(), 0,
                NanoClock.SYSTEM));
        ((FullHttpRequest) ch.readOutbound()).release();
        ch.runPendingTasks();
        assertThat(outcome.failure).isInstanceOf(CallFailedException.class);
        assertThat(((CallFailedException) outcome.failure).errorClass()).isEqualTo(ErrorClass.HTTP_SETUP_FAILED);
        assertThat(outcome.calls).isEqualTo(1);
        assertFalse(ch.finish());
    }

    @Test
    void failsWhenTheServerClosesFirst() throws Exception {
        Outcome outcome = new Outcome();
        FullHttpRequest request = HttpSetupHandler.request(config(), "call-1", VALUES, ByteBufAllocator.DEFAULT);
        EmbeddedChannel ch = new EmbeddedChannel(new HttpSetupHandler(request, outcome,
                System.nanoTime() + 5_000_000_000L, 5000, NanoClock.SYSTEM));
        ((FullHttpRequest) ch.readOutbound()).release();
        ch.close();
        assertThat(((CallFailedException) outcome.failure).getMessage()).contains("closed the connection");
        assertThat(outcome.calls).isEqualTo(1);
        assertFalse(ch.finish());
    }

}
