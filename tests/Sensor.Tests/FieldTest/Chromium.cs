using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Sensor.Tests.FieldTest;

/// <summary>A fact that needs chromium: skipped, with the reason, where it is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Find() is null)
            Skip = Chromium.Missing;
    }
}

/// <summary>Debian's chromium, headless, offline: renders a file and gives back the DOM and a screenshot.</summary>
internal static partial class Chromium
{
    public const string Missing = "chromium is not installed: the HTML report rendering tests need Debian's chromium (scripts/setup-test-servers.sh installs it)";

    public static string? Find() => new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    private static string Executable() => Find() ?? throw new InvalidOperationException(Missing);

    private static string Run(string fileUrl, params string[] extra)
    {
        var profile = Directory.CreateTempSubdirectory("sensor-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(Executable()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--no-first-run", "--hide-scrollbars", "--disable-dev-shm-usage", $"--user-data-dir={profile}" }.Concat(extra).Append(fileUrl))
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(90_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish rendering {fileUrl}");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"chromium exited {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    /// <summary>The serialised DOM after rendering (--dump-dom), in a window <paramref name="width"/> CSS pixels wide.</summary>
    public static string DumpDom(string path, int width = 1200) => Run(new Uri(path).AbsoluteUri, "--dump-dom", $"--window-size={width},2000");

    /// <summary>Prints the page to a PDF (--print-to-pdf) with the page's print stylesheet.</summary>
    public static void PrintToPdf(string path, string pdf) => Run(new Uri(path).AbsoluteUri, $"--print-to-pdf={pdf}", "--no-pdf-header-footer");

    /// <summary>Renders a PNG screenshot of the page at <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static void Screenshot(string path, string png, int width, int height) => Run(new Uri(path).AbsoluteUri, $"--screenshot={png}", $"--window-size={width},{height}");

    /// <summary>Renders a PNG screenshot of the page at 1200x900.</summary>
    public static void Screenshot(string path, string png) => Screenshot(path, png, 1200, 900);

    /// <summary>Renders a screenshot of the page to <paramref name="png"/> and checks it is a PNG with something drawn in it.</summary>
    public static void AssertScreenshot(string path, string png)
    {
        Screenshot(path, png);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.True(bytes.Length > 10_000, $"screenshot is {bytes.Length} bytes");
    }

    /// <summary>The text a person sees: the body's DOM without tags, entities decoded, white space collapsed.</summary>
    public static string VisibleText(string dom)
    {
        var body = dom[Math.Max(0, dom.IndexOf("<body", StringComparison.OrdinalIgnoreCase))..];
        body = StyleBlock().Replace(body, " ");
        return Spaces().Replace(WebUtility.HtmlDecode(Tags().Replace(body, " ")), " ");
    }

    [GeneratedRegex("<style[^>]*>.*?</style>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex StyleBlock();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
