package dev.losskit.report;

import dev.losskit.testing.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium driven over the DevTools protocol with the JDK's WebSocket client: one page,
 * with its console messages, uncaught exceptions and network requests recorded.
 */
final class Chromium implements AutoCloseable {
  /** Debian's package; {@code tools/install-test-deps} installs it. */
  static final String BINARY = "chromium";

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final BlockingQueue<String> inbox;
  private String session;
  private int nextId = 1;

  /** Console errors and uncaught exceptions seen since the last {@link #navigate}. */
  final List<String> errors = new ArrayList<>();

  /** Every URL requested since the last {@link #navigate}. */
  final List<String> requests = new ArrayList<>();

  private Chromium(Process process, Path profile, WebSocket socket, BlockingQueue<String> inbox) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
    this.inbox = inbox;
  }

  /** The path of the browser, or null when it is not installed. */
  static Path find() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, BINARY);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  static Chromium start(Path binary, int width, int height) throws Exception {
    Path profile = Files.createTempDirectory("losskit-chromium-");
    // The flags of DESIGN.md: headless, and no background traffic of the browser's own.
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--remote-debugging-port=0",
                "--window-size=" + width + "," + height,
                "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    String ws = devtoolsUrl(p);
    BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(30))
            .buildAsync(URI.create(ws), new Listener(inbox))
            .get(30, TimeUnit.SECONDS);
    Chromium c = new Chromium(p, profile, socket, inbox);
    c.attach();
    return c;
  }

  private static String devtoolsUrl(Process p) throws IOException {
    Pattern url = Pattern.compile("DevTools listening on (ws://\\S+)");
    BufferedReader err =
        new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    while (System.nanoTime() < deadline && (line = err.readLine()) != null) {
      Matcher m = url.matcher(line);
      if (m.find()) {
        // Keep draining stderr so that the browser never blocks on a full pipe.
        Thread drain =
            new Thread(
                () -> {
                  try {
                    while (err.readLine() != null) {
                      // discard
                    }
                  } catch (IOException e) {
                    // the browser has gone
                  }
                });
        drain.setDaemon(true);
        drain.start();
        return m.group(1);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("chromium did not start its DevTools endpoint within 60 s");
  }

  /** Opens a page target and enables the domains whose events are recorded. */
  @SuppressWarnings("unchecked")
  private void attach() throws Exception {
    Map<String, Object> target = call(null, "Target.createTarget", "{\"url\":\"about:blank\"}");
    String targetId = (String) target.get("targetId");
    Map<String, Object> attached =
        call(null, "Target.attachToTarget", "{\"targetId\":\"" + targetId + "\",\"flatten\":true}");
    session = (String) attached.get("sessionId");
    for (String domain : List.of("Page", "Runtime", "Log", "Network")) {
      call(session, domain + ".enable", "{}");
    }
  }

  /** Loads {@code url} and waits for its load event; errors and requests are recorded afresh. */
  void navigate(String url) throws Exception {
    errors.clear();
    requests.clear();
    call(session, "Page.navigate", "{\"url\":" + quote(url) + "}");
    awaitEvent("Page.loadEventFired", 60);
  }

  /** Evaluates {@code js} in the page, awaiting a promise, and returns its JSON value. */
  @SuppressWarnings("unchecked")
  Object eval(String js) throws Exception {
    Map<String, Object> r =
        call(
            session,
            "Runtime.evaluate",
            "{\"expression\":" + quote(js) + ",\"awaitPromise\":true,\"returnByValue\":true}");
    if (r.containsKey("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + r.get("exceptionDetails"));
    }
    return ((Map<String, Object>) r.get("result")).get("value");
  }

  /** A PNG of the whole page. */
  byte[] screenshot() throws Exception {
    Map<String, Object> r =
        call(
            session,
            "Page.captureScreenshot",
            "{\"format\":\"png\",\"captureBeyondViewport\":true}");
    return Base64.getDecoder().decode((String) r.get("data"));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> call(String sessionId, String method, String params)
      throws Exception {
    int id = nextId++;
    String msg =
        "{\"id\":"
            + id
            + (sessionId == null ? "" : ",\"sessionId\":\"" + sessionId + "\"")
            + ",\"method\":\""
            + method
            + "\",\"params\":"
            + params
            + "}";
    socket.sendText(msg, true).get(30, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      Map<String, Object> m = next(deadline);
      if (m == null) {
        break;
      }
      Object mid = m.get("id");
      if (mid instanceof Number n && n.intValue() == id) {
        if (m.containsKey("error")) {
          throw new IllegalStateException(method + ": " + m.get("error"));
        }
        return (Map<String, Object>) m.get("result");
      }
    }
    throw new IllegalStateException(method + ": no answer within 90 s");
  }

  private void awaitEvent(String method, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      Map<String, Object> m = next(deadline);
      if (m != null && method.equals(m.get("method"))) {
        return;
      }
    }
    throw new IllegalStateException(method + ": not within " + seconds + " s");
  }

  /** The next message, with events recorded on the way; null at the deadline. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> next(long deadline) throws InterruptedException {
    long wait = deadline - System.nanoTime();
    String text = inbox.poll(Math.max(wait, 0), TimeUnit.NANOSECONDS);
    if (text == null) {
      return null;
    }
    Map<String, Object> m = (Map<String, Object>) Json.parse(text);
    Object method = m.get("method");
    Map<String, Object> p = (Map<String, Object>) m.get("params");
    if ("Network.requestWillBeSent".equals(method)) {
      requests.add((String) ((Map<String, Object>) p.get("request")).get("url"));
    } else if ("Runtime.consoleAPICalled".equals(method)
        && ("error".equals(p.get("type")) || "assert".equals(p.get("type")))) {
      errors.add("console." + p.get("type") + ": " + p.get("args"));
    } else if ("Runtime.exceptionThrown".equals(method)) {
      errors.add("exception: " + p.get("exceptionDetails"));
    } else if ("Log.entryAdded".equals(method)) {
      Map<String, Object> e = (Map<String, Object>) p.get("entry");
      if ("error".equals(e.get("level"))) {
        errors.add("log: " + e.get("text") + " " + e.get("url"));
      }
    }
    return m;
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  @Override
  public void close() throws IOException {
    socket.abort();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (var s = Files.walk(profile)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    } catch (IOException e) {
      // the profile is a temporary folder; a file the browser still held is left behind
    }
  }

  /** Collects whole text messages (DevTools may split one across frames). */
  private static final class Listener implements WebSocket.Listener {
    private final BlockingQueue<String> inbox;
    private final StringBuilder partial = new StringBuilder();

    Listener(BlockingQueue<String> inbox) {
      this.inbox = inbox;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        inbox.add(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return CompletableFuture.completedFuture(null);
    }
  }
}
