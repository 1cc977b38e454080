namespace Sensor.Core.Detection;

/// <summary>The rule set shipped in rules/default.yaml, embedded so the binary needs no files beside it.</summary>
public static class DefaultRules
{
    public const string ResourceName = "Sensor.Rules.default.yaml";

    private static readonly Lazy<RuleSet> Instance = new(Load);

    public static RuleSet Rules => Instance.Value;

    private static RuleSet Load()
    {
        using var stream = typeof(DefaultRules).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return RuleFileLoader.Parse(reader.ReadToEnd(), "rules/default.yaml", defaults: null);
    }
}
