using System.Xml;
using System.Xml.Linq;
using Sensor.Core.Probing;

namespace Sensor.Core.Survey;

/// <summary>
/// A Mozilla ISPDB-style autoconfig directory (the layout of Thunderbird's ISPDB: one
/// clientConfig XML file per mail domain, named after it, with or without ".xml") as a survey:
/// each file is an entry whose servers are its incomingServer imap/pop3 and outgoingServer smtp
/// (hostname, port, socketType: "SSL" is TLS at connect, "STARTTLS" and "plain" are probed as
/// plain connections that try STARTTLS). Other server types (exchange, jmap...) are not mail
/// transport and are left out, as are files that list none of these. Hidden files are ignored.
/// </summary>
public static class AutoconfigDirectory
{
    /// <summary>Largest file read: real ISPDB files are a few KiB.</summary>
    public const int MaxFileChars = 1 << 20;

    /// <summary>Reads every file of the directory, in name order; a bad file throws <see cref="FormatException"/> naming it.</summary>
    public static SurveyInput Read(string directory)
    {
        var entries = new List<string>();
        var servers = new Dictionary<string, IReadOnlyList<ProbeTarget>>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            var file = Path.GetFileName(path);
            if (file.StartsWith('.'))
                continue;
            var domain = (file.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) ? file[..^4] : file).ToLowerInvariant();
            IReadOnlyList<ProbeTarget> targets;
            try
            {
                using var stream = File.OpenRead(path);
                targets = Parse(domain, stream);
            }
            catch (FormatException e)
            {
                throw new FormatException($"{file}: {e.Message}");
            }
            if (targets.Count > 0 && servers.TryAdd(domain, targets))
                entries.Add(domain);
        }
        return new SurveyInput(entries, servers);
    }

    /// <summary>The servers one clientConfig document lists for <paramref name="domain"/>; throws <see cref="FormatException"/> on bad XML or values.</summary>
    public static IReadOnlyList<ProbeTarget> Parse(string domain, Stream xml)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxFileChars,
            IgnoreComments = true,
        };
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(xml, settings);
            document = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new FormatException($"not well-formed XML: {e.Message}");
        }
        if (document.Root?.Name.LocalName != "clientConfig")
            throw new FormatException($"the root element is <{document.Root?.Name.LocalName}>, not <clientConfig>");
        var servers = document.Root.Elements("emailProvider")
            .SelectMany(p => p.Elements("incomingServer").Concat(p.Elements("outgoingServer")))
            .Select(s => ServerOf(domain, s))
            .OfType<ProbeTarget>();
        return [.. servers.Distinct()];
    }

    private static ProbeTarget? ServerOf(string domain, XElement server)
    {
        var type = ((string?)server.Attribute("type"))?.Trim().ToLowerInvariant();
        var selection = (server.Name.LocalName, type) switch
        {
            ("incomingServer", "imap") => ProbeSelection.Imap,
            ("incomingServer", "pop3") => ProbeSelection.Pop3,
            ("outgoingServer", "smtp") => ProbeSelection.Submission,
            _ => (ProbeSelection?)null,
        };
        if (selection is null)
            return null;
        var hostname = ((string?)server.Element("hostname"))?.Trim().Replace("%EMAILDOMAIN%", domain, StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(hostname))
            throw new FormatException($"<{server.Name.LocalName} type=\"{type}\"> has no <hostname>");
        var socketType = ((string?)server.Element("socketType"))?.Trim() ?? "plain";
        var implicitTls = socketType.ToUpperInvariant() switch
        {
            "SSL" => true,
            "STARTTLS" or "PLAIN" => false,
            _ => throw new FormatException($"{hostname}: unknown socketType '{socketType}' (SSL, STARTTLS or plain)"),
        };
        var port = ((string?)server.Element("port"))?.Trim();
        var defaultPort = ProbeTarget.DefaultPorts(selection.Value)[implicitTls ? 1 : 0].Port;
        var target = ProbeTarget.Parse($"{hostname}:{(string.IsNullOrEmpty(port) ? defaultPort : port)}", selection).Single();
        return target with { ImplicitTls = implicitTls };
    }
}
