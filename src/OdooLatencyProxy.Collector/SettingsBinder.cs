using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace OdooLatencyProxy.Collector;

/// <summary>
/// Binds a settings section to its options record with the configuration binder's reflection, in the JIT and the
/// native AOT build alike. Here, in the lowest project that binds settings, so the proxy uses the same one.
/// </summary>
/// <remarks>
/// Not the binder's source generator: it leaves <c>init</c>-only properties, which every options record here has,
/// unset without a warning (dotnet/runtime#107856, open for .NET 10). The annotation on the type parameter
/// keeps the record's constructor and properties in the trimmed executable; a record nested in another is kept by a
/// <see cref="DynamicDependencyAttribute"/> where it is bound. NativeAotBinaryTests checks the binding in the
/// published executable.
/// </remarks>
internal static class SettingsBinder
{
    private const string Justification =
        "Options records are plain records of scalars, strings and lists; their members are kept by the annotation on T (nested ones by DynamicDependency at the call site).";

    /// <summary>The section bound to a new <typeparamref name="T"/>, or its defaults when the section is absent.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = Justification)]
    [UnconditionalSuppressMessage("AOT", "IL3050:RequiresDynamicCode", Justification = Justification)]
    public static T Bind<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor | DynamicallyAccessedMemberTypes.PublicProperties)] T>(
        IConfiguration section)
        where T : class, new() =>
        section.Get<T>() ?? new T();

    /// <summary>Binds the options <paramref name="builder"/> builds to <paramref name="section"/> (reloaded with it).</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = Justification)]
    [UnconditionalSuppressMessage("AOT", "IL3050:RequiresDynamicCode", Justification = Justification)]
    public static OptionsBuilder<T> BindTo<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor | DynamicallyAccessedMemberTypes.PublicProperties)] T>(
        this OptionsBuilder<T> builder, IConfiguration section)
        where T : class =>
        builder.Bind(section);
}
