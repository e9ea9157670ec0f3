package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The lab's web page in a real headless Chromium (Debian's chromium and chromedriver), signed in with
 * the server's token. Every wait is on a condition of the page, never on time.
 */
final class PageBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;
    final WebDriverWait wait;

    private PageBrowser(ChromeDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        wait.ignoring(StaleElementReferenceException.class); // the page redraws its tables every few seconds
    }

    /** Skips the test where no browser is installed; on CI a missing browser fails it. */
    static void assumeInstalled() {
        boolean browser = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (System.getenv("CI") != null) {
            assertTrue(browser, "CI must install chromium and chromium-driver (.ci/run does)");
        }
        assumeTrue(browser, "chromium and chromedriver are not installed");
    }

    /** Opens the page of the server {@code api} with its token, once its catalog of services has loaded. */
    static PageBrowser open(LabFixture lab, ServerClient api) throws IOException {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toString());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1200,1600",
                "--user-data-dir=" + Files.createTempDirectory(lab.home, "chrome-"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL); // the page's console: a blocked resource shows up there
        o.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        PageBrowser b = new PageBrowser(new ChromeDriver(service, o));
        try {
            b.driver.get(api.base + "#token=" + api.token);
            b.wait.until(d -> d.findElements(By.cssSelector("#services tbody tr")).size() > 5);
            return b;
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The texts of the elements that match, in document order. */
    List<String> texts(String css) {
        return all(css).stream().map(WebElement::getText).toList();
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Waits until every picture that matches has loaded (there is at least one). */
    void awaitPicturesLoaded(String css) {
        wait.until(d -> (Boolean) script("const i = [...document.querySelectorAll(arguments[0])];"
                + "return i.length > 0 && i.every(x => x.complete && x.naturalWidth > 0)", css));
    }

    /** The page and the reports it framed worked within their Content-Security-Policy: nothing was refused. */
    void assertNothingBlocked() {
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            assertFalse(e.getMessage().contains("Content Security Policy") || e.getMessage().contains("Refused to"), e.getMessage());
        }
    }

    /** A screenshot in the IT work folder, for a person to look at. */
    void screenshot(String name) throws IOException {
        Files.write(Path.of(System.getProperty("latentlab.it.work"), name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
