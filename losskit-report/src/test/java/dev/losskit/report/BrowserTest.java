package dev.losskit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.LossSpec;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Opens the generated report in headless Chromium: every page loads with no console error and no
 * request leaving the machine, its formulas are typeset by MathJax, its plots are drawn and its
 * links resolve. Screenshots of the index and of one loss page are kept under {@code
 * target/report-screenshots/}.
 */
class BrowserTest {
  private static final Path SHOTS = Path.of("target", "report-screenshots");

  // After MathJax has finished: what was typeset, what was drawn, where the links go.
  private static final String INSPECT =
      "(window.MathJax && MathJax.startup ? MathJax.startup.promise : Promise.resolve()).then(() =>"
          + " ({typeset: document.querySelectorAll('.math mjx-container svg').length,"
          + " lines: document.querySelectorAll('.math p').length,"
          + " mathErrors: document.querySelectorAll('mjx-merror').length,"
          + " plots: document.querySelectorAll('figure.plot').length,"
          + " paths: document.querySelectorAll('figure.plot svg path').length,"
          + " links: Array.from(document.querySelectorAll('a[href]'))"
          + ".filter(a => !a.classList.contains('ext')).map(a => a.href)}))";

  @Test
  @SuppressWarnings("unchecked")
  void everyPageLoadsOfflineWithTypesetFormulasDrawnPlotsAndWorkingLinks() throws Exception {
    Path binary = Chromium.find();
    assertNotNull(
        binary,
        "chromium is not installed: run tools/install-test-deps (it runs 'apt-get install -y"
            + " chromium' on Debian)");
    SiteTest.ensureSite();
    Path site = SiteTest.SITE.toAbsolutePath();
    List<String> problems = new ArrayList<>();
    Files.createDirectories(SHOTS);
    try (Chromium browser = Chromium.start(binary, 1200, 1000)) {
      List<Path> pages = new ArrayList<>();
      pages.add(site.resolve("index.html"));
      for (LossSpec s : Catalog.builtin().specs()) {
        pages.add(site.resolve("losses/" + s.id() + ".html"));
      }
      for (Path page : pages) {
        String name = site.relativize(page).toString();
        browser.navigate(page.toUri().toString());
        Map<String, Object> seen = (Map<String, Object>) browser.eval(INSPECT);
        for (String e : browser.errors) {
          problems.add(name + ": " + e);
        }
        for (String url : browser.requests) {
          if (!url.startsWith("file:") && !url.startsWith("data:") && !url.startsWith("about:")) {
            problems.add(name + ": a request leaves the machine: " + url);
          }
        }
        int lines = ((Number) seen.get("lines")).intValue();
        int typeset = ((Number) seen.get("typeset")).intValue();
        if (typeset < lines || ((Number) seen.get("mathErrors")).intValue() > 0) {
          problems.add(name + ": " + typeset + " of " + lines + " formula lines typeset");
        }
        if (((Number) seen.get("plots")).intValue() > 0
            && ((Number) seen.get("paths")).intValue() == 0) {
          problems.add(name + ": a plot without drawn paths");
        }
        if (!name.equals("index.html") && ((Number) seen.get("plots")).intValue() == 0) {
          problems.add(name + ": no plot");
        }
        for (Object link : (List<Object>) seen.get("links")) {
          String broken = broken((String) link);
          if (broken != null) {
            problems.add(name + ": link " + link + ": " + broken);
          }
        }
        if (name.equals("index.html") || name.equals("losses/huber.html")) {
          String shot = name.replace("losses/", "").replace(".html", ".png");
          Files.write(SHOTS.resolve(shot), browser.screenshot());
        }
      }
    }
    assertEquals(List.of(), problems);
    assertTrue(Files.size(SHOTS.resolve("index.png")) > 10_000);
    assertTrue(Files.size(SHOTS.resolve("huber.png")) > 10_000);
  }

  /** Why a link of the site does not resolve, or null when it does. */
  private static String broken(String link) throws Exception {
    URI u = URI.create(link);
    if (!"file".equals(u.getScheme())) {
      return "not a file of the site";
    }
    Path target = Path.of(new URI("file", null, u.getPath(), null));
    if (!Files.isRegularFile(target)) {
      return "no such file";
    }
    String fragment = u.getFragment();
    if (fragment != null && !Files.readString(target).contains("id=\"" + fragment + "\"")) {
      return "no element with id " + fragment;
    }
    return null;
  }
}
