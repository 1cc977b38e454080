using System.Text.RegularExpressions;
using Sensor.Core.Catalogue;
using Sensor.Core.Decoding;
using Sensor.Core.Protocols;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sensor.Core.Detection;

/// <summary>
/// Reads and checks a rule file (YAML, format in rules/README.md). Every key and value is checked
/// against the schema and each problem is reported with its line; sections a file leaves out are
/// taken from the defaults it is layered on.
/// </summary>
public sealed class RuleFileLoader
{
    private static readonly HashSet<string> TopLevelKeys =
        ["version", "severities", "mangled_capabilities", "masked_banners", "starttls_rejection", "require_starttls"];

    private readonly List<RuleError> _errors = [];
    private readonly string _name;

    private RuleFileLoader(string name) => _name = name;

    /// <summary>Parses rule text; throws <see cref="RuleFileException"/> listing every error.</summary>
    public static RuleSet Parse(string text, string name, RuleSet? defaults)
    {
        var loader = new RuleFileLoader(name);
        var rules = loader.Read(text, defaults);
        if (loader._errors.Count > 0 || rules is null)
            throw new RuleFileException(loader._errors);
        return rules;
    }

    public static RuleSet Load(string path, RuleSet? defaults)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuleFileException([new RuleError(path, 0, 0, $"cannot read: {e.Message}")]);
        }
        return Parse(text, path, defaults);
    }

    private RuleSet? Read(string text, RuleSet? defaults)
    {
        var root = ParseYaml(text);
        if (root is null)
            return null;
        if (root is not YamlMappingNode map)
        {
            Error(root, "the rule file must be a mapping of sections");
            return null;
        }
        CheckKeys(map, TopLevelKeys);
        CheckVersion(map);
        var mangles = Section(map, "mangled_capabilities", ReadMangles) ?? defaults?.MangleRules ?? [];
        var masks = Section(map, "masked_banners", ReadMangles) ?? defaults?.MaskedBanners ?? [];
        var rejections = Section(map, "starttls_rejection", ReadRejections) ?? defaults?.RejectionStatuses ?? new Dictionary<MailProtocol, IReadOnlySet<string>>();
        var severities = Section(map, "severities", ReadSeverities) ?? defaults?.Severities ?? new Dictionary<string, Severity>();
        var policy = Section(map, "require_starttls", ReadPolicy) ?? [];
        return new RuleSet(mangles, masks, rejections, severities, [.. defaults?.Policy ?? [], .. policy]);
    }

    private YamlNode? ParseYaml(string text)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0)
            {
                _errors.Add(new RuleError(_name, 1, 1, "the rule file is empty"));
                return null;
            }
            return stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            _errors.Add(new RuleError(_name, (int)e.Start.Line, (int)e.Start.Column, $"not valid YAML: {e.InnerException?.Message ?? e.Message}"));
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these on some broken input ("a: [#" then a key on the next line; " : 1"),
            // with no position: still one rule error, never a crash (found by fuzz/, target rules).
            _errors.Add(new RuleError(_name, 1, 1, $"not valid YAML: the YAML reader failed ({e.GetType().Name})"));
            return null;
        }
    }

    private T? Section<T>(YamlMappingNode map, string key, Func<YamlNode, T> read) where T : class =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? read(node) : null;

    private void CheckVersion(YamlMappingNode map)
    {
        if (!map.Children.TryGetValue(new YamlScalarNode("version"), out var node))
            Error(map, "missing 'version: 1'");
        else if (Scalar(node) != "1")
            Error(node, "unsupported version; this sensor reads version 1");
    }

    private List<MangleRule> ReadMangles(YamlNode node)
    {
        var rules = new List<MangleRule>();
        foreach (var item in Items(node))
        {
            if (item is not YamlMappingNode entry)
            {
                Error(item, "each entry is a mapping with 'pattern' (and optional 'note')");
                continue;
            }
            CheckKeys(entry, ["pattern", "note"]);
            var patternNode = Child(entry, "pattern");
            if (patternNode is null)
                continue;
            try
            {
                // Linear-time matching instead of a wall-clock timeout: a timeout fired on a loaded machine
                // (a descheduled thread) and made the verdict depend on load; hostile lines cannot blow it up.
                var regex = new Regex(Scalar(patternNode) ?? "", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
                rules.Add(new MangleRule(regex, Scalar(entry.Children.TryGetValue(new YamlScalarNode("note"), out var note) ? note : null)));
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                // NotSupportedException: backreferences, lookarounds and atomic groups need backtracking
                Error(patternNode, $"not a valid regular expression: {e.Message}");
            }
        }
        return rules;
    }

    private Dictionary<MailProtocol, IReadOnlySet<string>> ReadRejections(YamlNode node)
    {
        var result = new Dictionary<MailProtocol, IReadOnlySet<string>>();
        if (node is not YamlMappingNode map)
        {
            Error(node, "starttls_rejection maps smtp, imap and pop3 to lists of reply statuses");
            return result;
        }
        CheckKeys(map, ["smtp", "imap", "pop3"]);
        foreach (var (keyNode, value) in map.Children)
        {
            if (ProtocolOf(Scalar(keyNode)) is not { } protocol)
                continue;
            var statuses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in Items(value))
            {
                var status = Scalar(item);
                if (string.IsNullOrWhiteSpace(status) || !IsStatus(protocol, status))
                    Error(item, $"'{status}' is not a {Scalar(keyNode)} reply status");
                else
                    statuses.Add(status);
            }
            result[protocol] = statuses;
        }
        return result;
    }

    private Dictionary<string, Severity> ReadSeverities(YamlNode node)
    {
        var result = new Dictionary<string, Severity>();
        if (node is not YamlMappingNode map)
        {
            Error(node, "severities maps a kind (or kind/variant) to info, low, medium or high");
            return result;
        }
        foreach (var (keyNode, value) in map.Children)
        {
            var key = Scalar(keyNode) ?? "";
            var kind = key.Split('/')[0];
            if (!FindingCatalogue.IsKind(kind))
                Error(keyNode, $"unknown finding kind '{kind}' (known: {string.Join(", ", FindingCatalogue.Kinds.Select(k => k.Kind))})");
            else if (key.Length > kind.Length && FindingCatalogue.Find(kind, key[(kind.Length + 1)..]) is null)
                Error(keyNode, $"unknown variant '{key[(kind.Length + 1)..]}' of {kind} (see docs/findings.md)");
            else if (!SeverityNames.TryParse(Scalar(value), out var severity))
                Error(value, $"severity must be info, low, medium or high, not '{Scalar(value)}'");
            else
                result[key] = severity;
        }
        return result;
    }

    private List<PolicyEntry> ReadPolicy(YamlNode node)
    {
        var entries = new List<PolicyEntry>();
        foreach (var item in Items(node))
        {
            if (item is not YamlMappingNode entry || entry.Children.Count != 1)
            {
                Error(item, "each require_starttls entry is one of 'server_name: HOST' (or '*.domain') or 'server: IP:PORT'");
                continue;
            }
            CheckKeys(entry, ["server_name", "server"]);
            var (keyNode, value) = entry.Children.First();
            var text = Scalar(value);
            if (string.IsNullOrWhiteSpace(text))
                Error(value, "empty value");
            else if (Scalar(keyNode) == "server" && !TryEndpoint(text))
                Error(value, $"'{text}' is not an endpoint like 192.0.2.1:25 or [2001:db8::1]:25");
            else if (Scalar(keyNode) == "server")
                entries.Add(new PolicyEntry(null, Endpoint.Parse(text).ToString(), $"rules:{_name}"));
            else if (Scalar(keyNode) == "server_name")
                entries.Add(new PolicyEntry(text.Trim().ToLowerInvariant(), null, $"rules:{_name}"));
        }
        return entries;
    }

    private IEnumerable<YamlNode> Items(YamlNode node)
    {
        if (node is YamlSequenceNode sequence)
            return sequence.Children;
        Error(node, "expected a list");
        return [];
    }

    private YamlNode? Child(YamlMappingNode map, string key)
    {
        if (map.Children.TryGetValue(new YamlScalarNode(key), out var node))
            return node;
        Error(map, $"missing '{key}'");
        return null;
    }

    private void CheckKeys(YamlMappingNode map, IReadOnlyCollection<string> allowed)
    {
        foreach (var key in map.Children.Keys)
            if (!allowed.Contains(Scalar(key) ?? ""))
                Error(key, $"unknown key '{Scalar(key)}' (allowed: {string.Join(", ", allowed)})");
    }

    private static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;

    private static MailProtocol? ProtocolOf(string? name) => name switch
    {
        "smtp" => MailProtocol.Smtp,
        "imap" => MailProtocol.Imap,
        "pop3" => MailProtocol.Pop3,
        _ => null,
    };

    private static bool IsStatus(MailProtocol protocol, string status) => protocol switch
    {
        MailProtocol.Smtp => status.Length == 3 && status.All(char.IsAsciiDigit),
        MailProtocol.Imap => status is "NO" or "BAD" or "no" or "bad",
        _ => status is "-ERR" or "-err",
    };

    private static bool TryEndpoint(string text)
    {
        try
        {
            return Endpoint.Parse(text).Port != 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private void Error(YamlNode node, string message) =>
        _errors.Add(new RuleError(_name, (int)node.Start.Line, (int)node.Start.Column, message));
}
