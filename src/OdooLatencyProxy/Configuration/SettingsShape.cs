using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;

namespace OdooLatencyProxy.Configuration;

/// <summary>
/// Checks a configuration section against the options type it binds to before the binder runs: every key must
/// name a property and every value must convert, and all problems are reported, each as <c>Key: problem</c>.
/// Values are parsed as the configuration binder's source generator parses them (invariant culture), without
/// <c>TypeConverter</c>s, so the check means the same in the native AOT build.
/// </summary>
public static class SettingsShape
{
    // The scalar types the options use, each parsed as the binder does; a parser's FormatException names the problem
    // only when the type explains itself (UpstreamDestination), else the message says what was expected.
    private static readonly Dictionary<Type, Func<string, object>> Parsers = new()
    {
        [typeof(int)] = v => int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture),
        [typeof(long)] = v => long.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture),
        [typeof(double)] = v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
        [typeof(bool)] = v => bool.Parse(v),
        [typeof(TimeSpan)] = v => TimeSpan.Parse(v, CultureInfo.InvariantCulture),
        [typeof(Uri)] = v => new Uri(v, UriKind.RelativeOrAbsolute),
        [typeof(UpstreamDestination)] = UpstreamDestination.Parse,
    };

    /// <summary>The problems of <paramref name="section"/> read as <paramref name="type"/>; empty when it binds cleanly.</summary>
    public static IReadOnlyList<string> Check(IConfigurationSection section, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type)
    {
        ArgumentNullException.ThrowIfNull(section);
        var errors = new List<string>();
        CheckNode(section, type, errors);
        return errors;
    }

    // The trimmer keeps the public properties of the type Check is given, not of the types nested in it: an options
    // type that nests another lists it in a DynamicDependency beside its Check call (ProxySettings).
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Nested options types are kept by DynamicDependency at the call site.")]
    [UnconditionalSuppressMessage("Trimming", "IL2062", Justification = "Nested options types are kept by DynamicDependency at the call site.")]
    private static void CheckNode(IConfigurationSection node, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type, List<string> errors)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        type = nullable ?? type;
        var children = node.GetChildren().ToList();
        if (IsScalar(type))
        {
            if (children.Count > 0) errors.Add($"{node.Path}: expected a single value, found a section");
            // The binder reads an empty value of a nullable setting as "not set".
            else if (node.Value is { } value && !(nullable is not null && value.Length == 0) && Convert(value, type) is { } problem) errors.Add($"{node.Path}: {problem}");
            return;
        }
        if (DictionaryValueType(type) is { } valueType)
        {
            foreach (var child in children) CheckNode(child, valueType, errors);
            return;
        }
        if (ElementType(type) is { } elementType)
        {
            foreach (var child in children)
            {
                if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)) errors.Add($"{child.Path}: expected a list index (0, 1, ...)");
                else CheckNode(child, elementType, errors);
            }
            return;
        }
        if (children.Count == 0 && !string.IsNullOrEmpty(node.Value))
        {
            errors.Add($"{node.Path}: expected a section, found the value '{node.Value}'");
            return;
        }
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in children)
        {
            if (properties.TryGetValue(child.Key, out var property)) CheckNode(child, property.PropertyType, errors);
            else errors.Add($"{child.Path}: unknown setting (see docs/configuration.md for the valid ones)");
        }
    }

    private static bool IsScalar(Type type) => type == typeof(string) || type.IsEnum || Parsers.ContainsKey(type);

    private static Type? DictionaryValueType(Type type) =>
        (type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>) || d == typeof(Dictionary<,>)))
            ? type.GetGenericArguments()[1]
            : null;

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0]
        : null;

    private static string? Convert(string value, Type type)
    {
        if (type == typeof(string)) return null;
        try
        {
            _ = type.IsEnum ? Enum.Parse(type, value, ignoreCase: true) : Parsers[type](value);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            return e is FormatException && type == typeof(UpstreamDestination) ? e.Message : $"'{value}' is not {Expected(type)}";
        }
    }

    private static string Expected(Type type) =>
        type == typeof(int) || type == typeof(long) ? "a whole number"
        : type == typeof(double) ? "a number"
        : type == typeof(bool) ? "true or false"
        : type == typeof(TimeSpan) ? "a duration written hh:mm:ss (e.g. 00:00:30)"
        : type.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(type))}"
        : $"a valid {type.Name}";
}
