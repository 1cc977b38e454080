using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Sensor.Cli.Service;

/// <summary>The configuration as read: the merged keys (Serilog reads its "Logging" section from them), the bound settings, and where each key came from.</summary>
public sealed record LoadedConfig(IConfigurationRoot Configuration, SensorSettings Settings, ConfigSources Sources);

/// <summary>
/// Reads `sensor live`'s configuration: the JSON file (comments and trailing commas allowed), then
/// SENSOR__SECTION__KEY environment variables over it. Every key is checked against
/// <see cref="SensorSettings"/> before binding, so an unknown key or a value of the wrong type is one
/// line naming the file and line (or the variable) instead of being ignored or failing later.
/// </summary>
public static partial class SettingsLoader
{
    public const string DefaultPath = "/etc/sensor/sensor.json";
    public const string EnvironmentPrefix = "SENSOR__";
    /// <summary>Serilog's section (Serilog.Settings.Configuration syntax), not bound to the settings.</summary>
    public const string LoggingSection = "Logging";

    /// <summary>The key check reads these classes' properties by reflection; trimming (Native AOT) keeps them for it.</summary>
    private const DynamicallyAccessedMemberTypes Keys = DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.NonPublicProperties;

    /// <param name="path">--config; null: <see cref="DefaultPath"/> when it exists, else defaults and the environment only</param>
    [DynamicDependency(Keys, typeof(CaptureSettings))]
    [DynamicDependency(Keys, typeof(RulesSettings))]
    [DynamicDependency(Keys, typeof(StorageSettings))]
    [DynamicDependency(Keys, typeof(SinkSettings))]
    [DynamicDependency(Keys, typeof(JsonLinesFileSettings))]
    [DynamicDependency(Keys, typeof(CapsSettings))]
    [DynamicDependency(Keys, typeof(MetricsSettings))]
    [DynamicDependency(Keys, typeof(BusSettings))]
    [DynamicDependency(Keys, typeof(FleetPublishSettings))]
    [DynamicDependency(Keys, typeof(CrossCheckSettings))]
    public static LoadedConfig Load(string? path)
    {
        path ??= File.Exists(DefaultPath) ? DefaultPath : null;
        var builder = new ConfigurationBuilder();
        byte[] json = [];
        if (path is not null)
        {
            path = Path.GetFullPath(path);
            json = ReadFile(path);
            builder.AddJsonStream(new MemoryStream(json));
        }
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        var root = Build(builder, path);
        var sources = new ConfigSources(root, path, JsonKeyLines.Read(json));
        foreach (var section in root.GetChildren())
            if (!section.Key.Equals(LoggingSection, StringComparison.OrdinalIgnoreCase))
                CheckKey(section, typeof(SensorSettings), sources);
        CheckSinkNames(root.GetSection(LoggingSection), sources);
        var settings = new SensorSettings();
        root.Bind(settings);
        return new LoadedConfig(root, settings, sources);
    }

    private static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read the config file: {e.Message}");
        }
    }

    private static IConfigurationRoot Build(ConfigurationBuilder builder, string? path)
    {
        try
        {
            return builder.Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or JsonException)
        {
            for (var inner = e; inner is not null; inner = inner.InnerException)
                if (inner is JsonException { LineNumber: { } line } json)
                    throw new ConfigException($"{path}:{line + 1}:{json.BytePositionInLine + 1}: not valid JSON: {JsonPosition().Replace(json.Message, "")}");
            throw new ConfigException($"{path}: {e.Message}");
        }
    }

    /// <summary>Serilog skips a sink it does not know without a word, and WriteTo replaces the default: a typo would silence every log.</summary>
    private static void CheckSinkNames(IConfigurationSection logging, ConfigSources sources)
    {
        foreach (var sink in logging.GetSection("WriteTo").GetChildren())
            if (sink["Name"] is not { } name || !Logging.SinkNames.Contains(name, StringComparer.OrdinalIgnoreCase))
                throw sources.Error($"{sink.Path}:Name", $"unknown log sink '{sink["Name"]}' (known: {string.Join(", ", Logging.SinkNames)})");
    }

    /// <summary>Checks a key against the property of <paramref name="owner"/> it must match, and what is under it.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "A property's type is a settings section class (each kept by Load's DynamicDependency), an array of strings or a scalar.")]
    private static void CheckKey(IConfigurationSection section, [DynamicallyAccessedMembers(Keys)] Type owner, ConfigSources sources)
    {
        var property = owner.GetProperty(section.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
            ?? throw sources.Error(section.Path, $"unknown key (known here: {string.Join(", ", owner.GetProperties().Select(p => p.Name))})");
        CheckValue(section, property.PropertyType, sources);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Arrays in the settings hold strings: no properties to check.")]
    private static void CheckValue(IConfigurationSection section, [DynamicallyAccessedMembers(Keys)] Type type, ConfigSources sources)
    {
        var children = section.GetChildren().ToList();
        if (type.IsArray)
        {
            if (!string.IsNullOrEmpty(section.Value))
                throw sources.Error(section.Path, $"expected a list [...], not '{section.Value}'");
            foreach (var item in children)
                CheckValue(item, type.GetElementType()!, sources);
        }
        else if (type.IsClass && type != typeof(string))
        {
            if (!string.IsNullOrEmpty(section.Value))
                throw sources.Error(section.Path, $"expected a section {{...}}, not '{section.Value}'");
            foreach (var child in children)
                CheckKey(child, type, sources);
        }
        else if (children.Count > 0)
            throw sources.Error(section.Path, $"expected {Describe(type)}, not a section or list");
        else
            CheckScalar(section, type, sources);
    }

    private static void CheckScalar(IConfigurationSection section, Type type, ConfigSources sources)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (string.IsNullOrEmpty(section.Value))
        {
            if (underlying is null && type != typeof(string))
                throw sources.Error(section.Path, $"expected {Describe(type)}, not an empty value");
            return;
        }
        if ((underlying ?? type) == typeof(TimeSpan))
        {
            // one duration syntax for the file and the command line; the binder reads the normalised form
            if (!Duration.TryParse(section.Value, out var duration))
                throw sources.Error(section.Path, $"expected {Describe(type)}, not '{section.Value}'");
            sources.Replace(section.Path, duration.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
            return;
        }
        var converter = ConverterFor(underlying ?? type);
        try
        {
            converter?.ConvertFromInvariantString(section.Value);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            throw sources.Error(section.Path, $"expected {Describe(type)}, not '{section.Value}'");
        }
    }

    /// <summary>
    /// The converters TypeDescriptor.GetConverter gives for the scalar types the settings use, named
    /// so that trimming keeps them (GetConverter finds them by reflection); null for a string.
    /// </summary>
    private static TypeConverter? ConverterFor(Type type) => type switch
    {
        _ when type == typeof(string) => null,
        _ when type == typeof(int) => new Int32Converter(),
        _ when type == typeof(long) => new Int64Converter(),
        _ when type == typeof(bool) => new BooleanConverter(),
        _ => throw new NotSupportedException($"settings of type {type} have no converter here: add one"),
    };

    private static string Describe(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(int) || t == typeof(long) => "a whole number",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(TimeSpan) => Duration.Example,
        _ => "a string",
    };

    [GeneratedRegex(@"\s*(Path: \S*)?\s*\|?\s*LineNumber: \d+ \| BytePositionInLine: \d+\.?")]
    private static partial Regex JsonPosition();
}
