package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
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
        PageBrowser.assumeInstalled();
        try (LabFixture lab = LabFixture.start("webpage", "latentlab-it-probe"); // the probe brings the experiment it-echo
                PageBrowser page = PageBrowser.open(lab, lab.serve(MODELS))) {
            ChromeDriver driver = page.driver;
            WebDriverWait wait = page.wait;
            String catalog = driver.findElement(By.id("services")).getText();
            assertTrue(catalog.contains("picard") && catalog.contains("onnx"), catalog);

            driver.findElement(By.id("model")).sendKeys(MODELS.resolve("memorizer").toString());
            WebElement noise = driver.findElement(By.id("noise"));
            noise.clear();
            noise.sendKeys("300");
            new Select(driver.findElement(By.id("strategy"))).selectByVisibleText("anderson");
            driver.findElement(By.id("submit")).click();

            wait.until(ExpectedConditions.textToBe(By.id("job-status"), "succeeded"));
            page.awaitPicturesLoaded("#gallery img");
            assertTrue(driver.findElement(By.id("result-summary")).getText().contains("attractors"));
            // the full report (with its own images, loaded through the cookie set by ?token=) in the frame
            driver.switchTo().frame("report");
            page.awaitPicturesLoaded(".card img");
            driver.switchTo().defaultContent();

            // an experiment from its section: the form has its parameters with their defaults (a text parameter in a
            // text area), the result its files
            wait.until(d -> d.findElements(By.cssSelector("#experiments a[data-experiment='it-echo']")).size() == 1);
            driver.findElement(By.cssSelector("#experiments a[data-experiment='it-echo']")).click();
            WebElement message = driver.findElement(By.cssSelector("#experiment-params textarea[data-param='message']"));
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
            page.assertNothingBlocked();
            page.screenshot("webpage.png");
        }
    }
}
