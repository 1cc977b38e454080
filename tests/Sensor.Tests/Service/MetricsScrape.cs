namespace Sensor.Tests.Service;

/// <summary>Reads a live sensor's Prometheus endpoint the way a scraper does.</summary>
public static class MetricsScrape
{
    public static string From(int port)
    {
        using var http = new HttpClient();
        return http.GetStringAsync($"http://127.0.0.1:{port}/metrics").GetAwaiter().GetResult();
    }

    /// <summary>The value of the one sample named <paramref name="name"/> whose labels contain <paramref name="label"/>.</summary>
    public static long Sample(string metrics, string name, string label = "")
    {
        var line = Assert.Single(metrics.Split('\n'), l => l.StartsWith(name + "{") && l.Contains(label));
        return (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
