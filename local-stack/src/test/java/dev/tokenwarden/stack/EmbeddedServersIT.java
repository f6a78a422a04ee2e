package dev.tokenwarden.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedServersIT {

    @Test
    void shouldRoundTripARecordThroughTheKraftBrokerAndLeaveNoDirectoryBehind() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        try (kafka) {
            String topic = "stack-it-" + UUID.randomUUID();
            kafka.createTopics(1, List.of(topic));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "stack-it-tx"),
                    new StringSerializer(), new StringSerializer())) {
                // A transaction proves the transaction coordinator works with one replica (exactly-once needs it).
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "42", "hello"));
                producer.commitTransaction();
            }
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "stack-it",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                ConsumerRecords<String, String> records = ConsumerRecords.empty();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (records.isEmpty() && System.nanoTime() < deadline) {
                    records = consumer.poll(Duration.ofMillis(200));
                }
                assertEquals(1, records.count());
                assertEquals("hello", records.iterator().next().value());
            }
        }
        assertFalse(Files.exists(kafka.logDir()), "kafka log dir left behind");
    }

    @Test
    void shouldServeQueriesAgainAfterPostgresIsStoppedAndStarted() throws Exception {
        LocalPostgres pg = LocalPostgres.embedded();
        try (pg) {
            String db = pg.createDatabase("stack_it");
            String url = pg.jdbcUrl(db);
            try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password());
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v int)");
                s.execute("INSERT INTO kept VALUES (7)");
            }
            pg.stop();
            assertThrows(SQLException.class, () -> DriverManager.getConnection(url, pg.user(), pg.password()).close());
            pg.start();
            try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
                assertTrue(rs.next());
                assertEquals(7, rs.getInt(1), "data survives a restart");
            }
        }
        assertFalse(Files.exists(pg.dataDir()), "postgres data dir left behind");
    }

    @Test
    void shouldAnswerPingAndRefuseConnectionsWhileRedisIsStopped() throws Exception {
        try (LocalRedis redis = LocalRedis.embedded()) {
            URI uri = URI.create(redis.url());
            assertEquals("+PONG", ping(uri));
            redis.stop();
            assertThrows(IOException.class, () -> ping(uri));
            redis.start();
            assertEquals("+PONG", ping(uri));
        }
    }

    private static String ping(URI uri) throws IOException {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }
}
