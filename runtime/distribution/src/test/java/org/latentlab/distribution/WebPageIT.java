package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real headless Chromium (Debian's chromium and chromedriver): the catalog of
 * services loads, a job started from the form runs, and its decoded attractors and report appear.
 */
class WebPageIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));

    @Test
    void aJobStartedFromThePageShowsItsResult() throws Exception {
        boolean browser = Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of("/usr/bin/chromedriver"));
        if (System.getenv("CI") != null) {
            assertTrue(browser, "CI must install chromium and chromium-driver (.ci/run does)");
        }
        assumeTrue(browser, "chromium and chromedriver are not installed");
        try (LabFixture lab = LabFixture.start("webpage", "latentlab-it-probe")) { // the probe brings the experiment it-echo
            ServerClient api = lab.serve(MODELS);

            ChromeOptions o = new ChromeOptions();
            o.setBinary("/usr/bin/chromium");
            o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1200,1600",
                    "--user-data-dir=" + Files.createTempDirectory(lab.home, "chrome-"));
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL); // the page's console: a blocked resource shows up there
            o.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                    .usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, o);
            try {
                driver.get(api.base + "#token=" + api.token);
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
                wait.until(d -> d.findElements(By.cssSelector("#services tbody tr")).size() > 5);
                String catalog = driver.findElement(By.id("services")).getText();
                assertTrue(catalog.contains("picard") && catalog.contains("onnx"), catalog);

                driver.findElement(By.id("model")).sendKeys(MODELS.resolve("memorizer").toString());
                WebElement noise = driver.findElement(By.id("noise"));
                noise.clear();
                noise.sendKeys("300");
                new Select(driver.findElement(By.id("strategy"))).selectByVisibleText("anderson");
                driver.findElement(By.id("submit")).click();

                wait.until(ExpectedConditions.textToBe(By.id("job-status"), "succeeded"));
                wait.until(d -> d.findElements(By.cssSelector("#gallery img")).size() > 0);
                wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                        "return [...document.querySelectorAll('#gallery img')].every(i => i.complete && i.naturalWidth > 0)"));
                assertTrue(driver.findElement(By.id("result-summary")).getText().contains("attractors"));
                // the full report (with its own images, loaded through the cookie set by ?token=) in the frame
                driver.switchTo().frame("report");
                wait.until(d -> d.findElements(By.cssSelector(".card img")).size() > 0);
                Boolean loaded = (Boolean) ((JavascriptExecutor) driver).executeScript(
                        "return [...document.querySelectorAll('.card img')].every(i => i.complete && i.naturalWidth > 0)");
                assertEquals(Boolean.TRUE, loaded, "report images load inside the page");
                driver.switchTo().defaultContent();

                // an experiment from its section: the form has its parameters with their defaults, the result its files
                wait.until(d -> d.findElements(By.cssSelector("#experiments a[data-experiment='it-echo']")).size() == 1);
                driver.findElement(By.cssSelector("#experiments a[data-experiment='it-echo']")).click();
                WebElement message = driver.findElement(By.cssSelector("#experiment-params input[data-param='message']"));
                assertEquals("hello", message.getAttribute("value"), "the default");
                message.clear();
                message.sendKeys("from the page");
                driver.findElement(By.id("experiment-submit")).click();
                wait.until(ExpectedConditions.textToBe(By.id("job-status"), "succeeded"));
                wait.until(d -> d.findElement(By.id("result-files")).getText().contains("echo.txt"));
                assertTrue(driver.findElement(By.id("result-summary")).getText().startsWith("Echo: from the page"),
                        driver.findElement(By.id("result-summary")).getText());
                wait.until(d -> d.findElement(By.id("jobs")).getText().contains("Echo: from the page"));
                driver.switchTo().frame("report");
                wait.until(d -> d.getPageSource().contains("Echo: from the page"));
                driver.switchTo().defaultContent();
                // the page and the report work within their Content-Security-Policy: nothing was blocked
                for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                    assertFalse(e.getMessage().contains("Content Security Policy") || e.getMessage().contains("Refused to"),
                            e.getMessage());
                }
                Path shot = Path.of(System.getProperty("latentlab.it.work"), "webpage.png");
                Files.write(shot, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            } finally {
                driver.quit();
            }
        }
    }
}
