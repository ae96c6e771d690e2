// C++ errors to Python exceptions. The classes are defined in mmgraph/errors.py (an OSError
// subclass with errno is easier to state there) and handed to the module at import.
#include "binding.hpp"

namespace mmgraph::python {
namespace {

// Exception classes by kind name, plus "closed" and "base"; set once by the package at import.
py::dict& error_classes() {
    static py::dict* classes = new py::dict();  // leaked: outlives interpreter teardown order
    return *classes;
}

py::object class_for(const Error& error) {
    auto& classes = error_classes();
    const char* name = dynamic_cast<const ClosedError*>(&error)       ? "closed"
                       : dynamic_cast<const ShardNotMapped*>(&error) ? "shard_not_mapped"
                                                                     : nullptr;
    std::string kind(kind_name(error.kind()));
    if (name && classes.contains(name)) return classes[name];
    if (classes.contains(kind.c_str())) return classes[kind.c_str()];
    if (classes.contains("base")) return classes["base"];
    return py::reinterpret_borrow<py::object>(PyExc_RuntimeError);
}

// A message may quote bytes of a damaged file: those that are not UTF-8 show as \xNN escapes.
py::str message(const Error& error) {
    const std::string_view what = error.what();
    PyObject* s = PyUnicode_DecodeUTF8(what.data(), static_cast<Py_ssize_t>(what.size()), "backslashreplace");
    if (!s) throw py::error_already_set();
    return py::reinterpret_steal<py::str>(s);
}

void raise(const Error& error) {
    py::object cls = class_for(error);
    py::object instance;
    if (error.kind() == ErrorKind::io) {
        // OSError(errno, strerror) fills .errno and .strerror; errno 0 means none was given.
        instance = error.error_number() != 0 ? cls(error.error_number(), message(error)) : cls(message(error));
    } else {
        instance = cls(message(error));
    }
    instance.attr("kind") = std::string(kind_name(error.kind()));
    if (auto row = error.row()) instance.attr("row") = *row;
    if (const auto* unmapped = dynamic_cast<const ShardNotMapped*>(&error)) instance.attr("shard") = unmapped->shard();
    if (const auto& where = error.location()) {
        instance.attr("file") = where->path;
        instance.attr("line") = where->line;
        instance.attr("column") = where->column;
    }
    PyErr_SetObject(cls.ptr(), instance.ptr());
}

}  // namespace

void register_errors(py::module_& m) {
    m.def(
        "_set_error_classes", [](const py::dict& classes) { error_classes() = classes; },
        "Installs the exception classes, by kind name ('damaged', 'bad_input', 'limit', 'io', 'misuse', 'closed', 'shard_not_mapped', 'base').");
    py::register_exception_translator([](std::exception_ptr caught) {
        try {
            if (caught) std::rethrow_exception(caught);
        } catch (const Error& error) {
            raise(error);
        }
    });
}

}  // namespace mmgraph::python
