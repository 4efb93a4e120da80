package io.jgan.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.cli.CliSmokeTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real browser: Debian's chromium, driven through chromium-driver by Selenium.
 * Screenshots go to {@code target/serve-screenshots/}.
 *
 * <p>Where the two packages are missing the test is skipped, except under CI (CI=true), where
 * {@code .ci/run} installs them and a missing browser is a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServePageTest {

    static final File CHROMIUM = new File("/usr/bin/chromium");
    static final File DRIVER = new File("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "serve-screenshots");

    @TempDir
    static Path tmp;

    Path runs;
    Server server;
    ChromeDriver browser;

    @BeforeAll
    void start() throws IOException {
        boolean present = CHROMIUM.canExecute() && DRIVER.canExecute();
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI needs chromium and chromium-driver (.ci/run installs them with apt-get)");
        }
        Assumptions.assumeTrue(present, "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        runs = tmp.resolve("runs");
        ServeFixture.train(runs, "digits", 8, "--conditional");
        CliSmokeTest.Run p2p = CliSmokeTest.jgan("train", "--model", "pix2pix", "--limit", "200", "--batch-size", "20",
                "--max-steps", "4", "--no-progress", "--out", runs.resolve("sketch2digit").toString());
        assertThat(p2p.exitCode()).as(p2p.err()).isZero();
        server = new Server(List.of(runs), "127.0.0.1", 0, 2);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--disable-gpu", "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER).build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    String url(String hash) {
        return "http://127.0.0.1:" + server.port() + "/" + hash;
    }

    WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    int version(WebElement e) {
        String v = e.getDomAttribute("data-version");
        return v == null ? 0 : Integer.parseInt(v);
    }

    @Test
    void explorerSliderChangesTheImagesAndTheClassReachesTheServer() throws IOException {
        browser.get(url("#/explore/digits"));
        WebElement samples = waitUpTo(30).until(d -> d.findElement(By.id("samples")));
        waitUpTo(30).until(d -> version(samples) >= 1);
        BufferedImage before = shot(samples, "explorer-before");
        int v = version(samples);
        recordRequests();
        assertThat(browser.findElement(By.id("walk")).isDisplayed()).as("no interpolation, no broken image").isFalse();

        WebElement slider = browser.findElement(By.id("dim-0"));
        slider.click(); // the middle: offset 0
        for (int i = 0; i < 25; i++) {
            slider.sendKeys(Keys.ARROW_RIGHT); // +0.1 each: z[0] + 2.5 for every sample
        }
        waitUpTo(30).until(d -> version(samples) > v
                && !browser.findElements(By.xpath("//label[contains(., 'z[0]')]/span[text()='+2.5']")).isEmpty());
        waitUpTo(30).until(d -> lastSent("/generate") != null);
        BufferedImage after = shot(samples, "explorer-slider");
        assertThat(before.getWidth()).isEqualTo(after.getWidth());
        assertThat(changedPixels(before, after)).as("pixels changed by moving z[0]").isGreaterThan(200);

        int v2 = version(samples);
        new Select(browser.findElement(By.id("label"))).selectByValue("3");
        waitUpTo(30).until(d -> version(samples) > v2);
        assertThat(lastSent("/generate")).contains("\"labels\":[3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3]");
        shot(samples, "explorer-class-3");

        // pick two samples: the interpolation strip appears
        samples.click();
        new org.openqa.selenium.interactions.Actions(browser).moveToElement(samples, 40, 40).click().perform();
        WebElement walk = browser.findElement(By.id("walk"));
        waitUpTo(30).until(d -> walk.getDomProperty("src") != null && walk.getDomProperty("src").startsWith("blob:")
                && ((Long) ((JavascriptExecutor) browser).executeScript("return arguments[0].naturalWidth", walk)) > 0
                && walk.isDisplayed());
        assertThat(lastSent("/generate")).contains("\"nrow\":10");
        page("explorer");
    }

    /** A pix2pix run's explorer is a canvas: a stroke drawn with the mouse comes back translated. */
    @Test
    void drawingASketchShowsItsTranslation() throws IOException {
        browser.get(url("#/explore/sketch2digit"));
        WebElement canvas = waitUpTo(30).until(d -> d.findElement(By.id("sketch")));
        WebElement result = browser.findElement(By.id("translation"));
        recordRequests();
        new org.openqa.selenium.interactions.Actions(browser).moveToElement(canvas, -60, -80).clickAndHold()
                .moveByOffset(40, 60).moveByOffset(60, 40).moveByOffset(-20, 80).release().perform();
        waitUpTo(30).until(d -> version(result) >= 1
                && ((Long) ((JavascriptExecutor) d).executeScript("return arguments[0].naturalWidth", result)) > 0);
        waitUpTo(30).until(d -> lastSent("/translate") != null);
        String sent = lastSent("/translate");
        assertThat(sent).startsWith("{\"images\":[[");
        double ink = java.util.Arrays.stream(sent.replaceAll("[^0-9.,]", " ").trim().split("[ ,]+"))
                .filter(t -> !t.isEmpty()).mapToDouble(Double::parseDouble).filter(v -> v > 0.5 && v <= 1).count();
        assertThat(ink).as("drawn pixels sent").isGreaterThan(10);
        shot(result, "pix2pix-translation");
        page("pix2pix");
    }

    @Test
    void liveViewFollowsATrainingRun() throws Exception {
        AtomicReference<CliSmokeTest.Run> result = new AtomicReference<>();
        Thread training = new Thread(() -> result.set(CliSmokeTest.jgan("train", "--limit", "200", "--batch-size", "50",
                "--max-steps", "400", "--grid-every", "20", "--no-progress", "--no-tensorboard", "--seed", "4",
                "--out", runs.resolve("training").toString())));
        training.start();
        try {
            waitUpTo(60).until(d -> Files.exists(runs.resolve("training/metrics.csv")));
            browser.get(url("#/"));
            waitUpTo(30).until(d -> !d.findElements(By.cssSelector("tr[data-run='training']")).isEmpty());
            page("runs");
            browser.get(url("#/run/training"));
            WebElement step = waitUpTo(30).until(d -> d.findElement(By.id("step")));
            waitUpTo(30).until(d -> stepOf(step) > 0);
            long first = stepOf(step);
            waitUpTo(60).until(d -> stepOf(step) >= first + 20); // advances by itself, no reload
            assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("training");
            waitUpTo(60).until(d -> {
                WebElement grid = d.findElement(By.id("grid"));
                return ((Long) ((JavascriptExecutor) d).executeScript("return arguments[0].naturalWidth", grid)) > 0;
            });
            assertThat(browser.findElements(By.cssSelector(".uplot"))).hasSize(3);
            page("live");
        } finally {
            training.join();
        }
        assertThat(result.get().exitCode()).as(result.get().err()).isZero();
    }

    @Test
    void aSweepsLeaderboardShowsBesideItsRunsAndLinksTheKeptOnes() throws Exception {
        // a sweep folder as jgan-spark sweep writes it: sweep.json, leaderboard.csv, runs/<kept trial>
        Path sweep = Files.createDirectories(runs.resolve("seeds"));
        Files.writeString(sweep.resolve("sweep.json"), "{\"name\": \"seed sweep\", \"trials\": 2}");
        Files.writeString(sweep.resolve("leaderboard.csv"), "rank,trial,status,fcd,steps,seconds,settings,error\n"
                + "1,t000,done,123.4500,8,1.5,--seed 1,\n"
                + "2,t001,failed,,0,0.4,--seed 2,\"training diverged at step 1: lossD=0.5, lossG=4E10\"\n");
        Path kept = sweep.resolve("runs").resolve("t000");
        try (var files = Files.walk(runs.resolve("digits"))) {
            for (Path f : files.toList()) {
                Path to = kept.resolve(runs.resolve("digits").relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        browser.get(url("#/"));
        WebElement board = waitUpTo(30).until(d -> d.findElement(By.cssSelector("section[data-sweep='seeds']")));
        assertThat(board.findElement(By.tagName("h2")).getText()).isEqualTo("Sweep seed sweep");
        List<WebElement> rows = board.findElements(By.cssSelector("tr[data-trial]"));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).getText()).contains("t000", "done", "123.4500", "--seed 1");
        assertThat(rows.get(1).getText()).contains("t001", "failed", "training diverged at step 1: lossD=0.5, lossG=4E10");
        assertThat(rows.get(1).findElements(By.tagName("a"))).isEmpty(); // a failed trial has no run to open
        // the kept trial is also a served run: its link opens its live view
        assertThat(browser.findElements(By.cssSelector("tr[data-run='t000']"))).hasSize(1);
        page("sweep");
        rows.get(0).findElement(By.tagName("a")).click();
        WebElement step = waitUpTo(30).until(d -> d.findElement(By.id("step")));
        waitUpTo(30).until(d -> stepOf(step) == 8);
    }

    static long stepOf(WebElement step) {
        String t = step.getText().split(" ")[0];
        return t.matches("\\d+") ? Long.parseLong(t) : -1;
    }

    BufferedImage shot(WebElement e, String name) throws IOException {
        byte[] png = e.getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name + ".png"), png);
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    /** From now on, keeps the body of every request the page sends (the server keeps none). */
    private void recordRequests() {
        ((JavascriptExecutor) browser).executeScript("window.sent = []; const f = window.fetch;"
                + " window.fetch = function (url, options) {"
                + "   if (options && options.body) window.sent.push([String(url), String(options.body)]);"
                + "   return f.apply(this, arguments); };");
    }

    /** The body of the last request recorded to a path, or null. */
    private String lastSent(String path) {
        return (String) ((JavascriptExecutor) browser).executeScript("const s = (window.sent || [])"
                + ".filter(r => r[0].includes(arguments[0])); return s.length ? s[s.length - 1][1] : null;", path);
    }

    void page(String name) throws IOException {
        Files.write(SHOTS.resolve("page-" + name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    static int changedPixels(BufferedImage a, BufferedImage b) {
        int n = 0;
        for (int y = 0; y < Math.min(a.getHeight(), b.getHeight()); y++) {
            for (int x = 0; x < Math.min(a.getWidth(), b.getWidth()); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    n++;
                }
            }
        }
        return n;
    }
}
