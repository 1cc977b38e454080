using Sensor.Core.Detection;
using Sensor.Core.Protocols;

namespace Sensor.Tests.Detection;

public class RuleFileLoaderTests
{
    [Fact]
    public void ShippedDefaultsLoad()
    {
        var rules = DefaultRules.Rules;
        Assert.Equal(Severity.High, rules.SeverityOf("plaintext-credential", "imap-login"));
        Assert.Equal(Severity.Medium, rules.SeverityOf("starttls-stripped", "not-completed"));
        Assert.True(rules.IsRejection(MailProtocol.Smtp, "454"));
        Assert.True(rules.IsRejection(MailProtocol.Imap, "NO"));
        Assert.Equal("XXXXXXXA", rules.FindMangled(["PIPELINING", "XXXXXXXA"]));
        Assert.Null(rules.FindMangled(["PIPELINING", "STARTTLS", "XCLIENT NAME ADDR", "XFORWARD NAME"]));
    }

    [Fact]
    public void ErrorsCarryTheirLine()
    {
        const string text = "version: 1\nseverities:\n  plaintext-credential: extreme\n  no-such-kind: low\nmangled_capabilities:\n  - pattern: '(['\nbogus: 1\nrequire_starttls:\n  - server: 'not an endpoint'\n";
        var e = Assert.Throws<RuleFileException>(() => RuleFileLoader.Parse(text, "r.yaml", null));
        var lines = e.Errors.Select(x => x.Line).Order().ToArray();
        Assert.Equal([3, 4, 6, 7, 9], lines);
        Assert.Contains(e.Errors, x => x.Line == 3 && x.Message.Contains("extreme"));
        Assert.Contains(e.Errors, x => x.Line == 7 && x.Message.Contains("bogus"));
    }

    [Theory]
    [InlineData("XXXXXXXA", "XXXXXXXA")]
    [InlineData("XXXA", "XXXA")]
    [InlineData("XXXX", "XXXX")]
    [InlineData("XXX", null)]
    [InlineData("XX", null)]
    public void SameLengthOverwritePatternNeedsFourCharacters(string word, string? mangled) =>
        Assert.Equal(mangled, DefaultRules.Rules.FindMangled(["PIPELINING", word]));

    [Fact]
    public void PatternsThatNeedBacktrackingAreRuleErrors()
    {
        // Matching runs in linear time (no wall-clock timeout that a loaded machine could trip), so lookarounds are refused.
        const string text = "version: 1\nmangled_capabilities:\n  - pattern: '^(?=.{4,}$)X+$'\n";
        var error = Assert.Single(Assert.Throws<RuleFileException>(() => RuleFileLoader.Parse(text, "r.yaml", null)).Errors);
        Assert.Equal(3, error.Line);
        Assert.StartsWith("not a valid regular expression", error.Message);
    }

    [Fact]
    public void BrokenYamlIsOneErrorWithPosition()
    {
        var e = Assert.Throws<RuleFileException>(() => RuleFileLoader.Parse("version: 1\nseverities: [\n", "r.yaml", null));
        var error = Assert.Single(e.Errors);
        Assert.StartsWith("r.yaml:", error.ToString());
        Assert.True(error.Line >= 2);
    }

    /// <summary>
    /// Found by fuzz/ (target rules): on these YamlDotNet 18.1.0 throws InvalidOperationException (a comment
    /// right after a flow sequence's '[') or ArgumentException (an empty key) instead of a YamlException; they escaped the loader.
    /// </summary>
    [Theory]
    [InlineData("a: [#\nb: 3\n", "InvalidOperationException")]
    [InlineData(" : 1", "ArgumentException")]
    public void YamlReaderFailureOutsideYamlExceptionIsOneError(string text, string thrown)
    {
        var e = Assert.Throws<RuleFileException>(() => RuleFileLoader.Parse(text, "r.yaml", null));
        var error = Assert.Single(e.Errors);
        Assert.Equal($"r.yaml:1:1: not valid YAML: the YAML reader failed ({thrown})", error.ToString());
    }

    [Fact]
    public void MissingSectionsComeFromDefaults()
    {
        var rules = RuleFileLoader.Parse("version: 1\nrequire_starttls:\n  - server: '[2001:db8::25]:25'\n", "r.yaml", DefaultRules.Rules);
        Assert.Equal(DefaultRules.Rules.MangleRules.Count, rules.MangleRules.Count);
        Assert.Equal("[2001:db8::25]:25", Assert.Single(rules.Policy).Server);
    }

    [Fact]
    public void EffPolicyListBecomesServerNamePatterns()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, """{"timestamp":"2020","version":"0.1","policies":{"example.org":{"mode":"enforce","mxs":[".mail.example.org","mx.example.org"]}}}""");
        var entries = EffPolicyListLoader.Load(path);
        Assert.Equal(["*.mail.example.org", "mx.example.org"], entries.Select(e => e.ServerNamePattern));
        File.Delete(path);
    }

    /// <summary>
    /// Found by fuzz/ (target eff): a domain whose value is not an object, or an MX that is not a string,
    /// threw InvalidOperationException out of the loader. Such entries are skipped, as ones without "mxs" are.
    /// </summary>
    [Fact]
    public void EffPolicyListSkipsEntriesOfTheWrongShape()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, """{"policies": {"mode": "ece", "a.example": {"mxs": [1, null, ".mx.example.org", ["x"]]}, "b.example": []}}""");
        var entries = EffPolicyListLoader.Load(path);
        Assert.Equal(["*.mx.example.org"], entries.Select(e => e.ServerNamePattern));
        File.Delete(path);
    }

    /// <summary>Found by fuzz/ (target eff): bytes that are not UTF-8 inside a JSON string threw InvalidOperationException when read.</summary>
    [Fact]
    public void EffPolicyListWithInvalidUtf8IsOneRuleError()
    {
        var path = Path.GetTempFileName();
        File.WriteAllBytes(path, [.. "{\"policies\": {\"er"u8, 0x88, .. "\": {\"mxs\": [\"mx\"]}}}"u8]);
        var error = Assert.Single(Assert.Throws<RuleFileException>(() => EffPolicyListLoader.Load(path)).Errors);
        Assert.Equal($"{path}:1:1: not valid JSON: a string is not UTF-8", error.ToString());
        File.Delete(path);
    }
}
