using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Sensor.Tests.FieldTest;

/// <summary>Debian's chromium, headless, offline: renders a file and gives back the DOM and a screenshot.</summary>
internal static partial class Chromium
{
    private static string Executable() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("chromium is not installed: the HTML report rendering test needs Debian's chromium (apt-get install -y chromium; .ci/run installs it)");

    private static string Run(string fileUrl, params string[] extra)
    {
        var profile = Directory.CreateTempSubdirectory("sensor-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(Executable()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", $"--user-data-dir={profile}" }.Concat(extra).Append(fileUrl))
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

    /// <summary>The serialised DOM after rendering (--dump-dom).</summary>
    public static string DumpDom(string path) => Run(new Uri(path).AbsoluteUri, "--dump-dom");

    /// <summary>Renders a PNG screenshot of the page at 1200x900.</summary>
    public static void Screenshot(string path, string png) => Run(new Uri(path).AbsoluteUri, $"--screenshot={png}", "--window-size=1200,900");

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
