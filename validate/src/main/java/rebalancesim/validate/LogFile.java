package rebalancesim.validate;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.BufferedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A JSON-lines log. A consumer's log is unbuffered: every line reaches the
 * kernel when written, so a SIGKILL loses nothing already logged (that is
 * how a crash is simulated). The harness's own log is buffered and closed
 * normally.
 */
final class LogFile implements AutoCloseable {
    private final OutputStream out;

    private LogFile(OutputStream out) {
        this.out = out;
    }

    static LogFile unbuffered(Path p) throws IOException {
        return new LogFile(new FileOutputStream(p.toFile(), true));
    }

    static LogFile buffered(Path p) throws IOException {
        return new LogFile(new BufferedOutputStream(new FileOutputStream(p.toFile(), true), 1 << 16));
    }

    synchronized void write(Line l) {
        try {
            out.write(l.end().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
