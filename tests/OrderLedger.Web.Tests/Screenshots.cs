using Microsoft.Playwright;

namespace OrderLedger.Web.Tests;

/// <summary>
/// Full-page screenshots of what the tests saw, for people to look at: in <c>ORDERLEDGER_SCREENSHOTS</c> (tools/test.sh
/// sets <c>TestResults/screenshots</c>), else <c>screenshots/</c> beside the test assembly.
/// </summary>
public static class Screenshots
{
    public static string Directory =>
        Environment.GetEnvironmentVariable("ORDERLEDGER_SCREENSHOTS") is { Length: > 0 } dir
            ? dir
            : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static async Task SaveAsync(IPage page, string name)
    {
        System.IO.Directory.CreateDirectory(Directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory, name + ".png"), FullPage = true });
    }
}
