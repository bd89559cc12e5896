"""boardPackage/v1/* and boardPackageSettings/v1/*."""
