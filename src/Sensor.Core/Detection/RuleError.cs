namespace Sensor.Core.Detection;

/// <summary>One problem in a rule file, at a 1-based line and column.</summary>
public sealed record RuleError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>A rule file that does not validate; carries every error found, in file order.</summary>
public sealed class RuleFileException(IReadOnlyList<RuleError> errors)
    : Exception(errors.Count > 0 ? errors[0].ToString() : "invalid rule file")
{
    public IReadOnlyList<RuleError> Errors { get; } = errors;
}
