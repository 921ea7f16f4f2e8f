// Attributes on a file's objects: integer lists, numbers and strings, read and (re)written.
#include "hdf5_errors.hpp"
#include "logreg/io/hdf5.hpp"

namespace logreg::h5 {

using detail::check;
using detail::fail;
using detail::object_where;

namespace {

std::string attribute_where(const File& f, const std::string& object, const std::string& attr) {
  return object_where(f.path(), object) + "@" + attr;
}

Handle open_attribute(const File& f, const std::string& object, const std::string& attr) {
  const std::string where = attribute_where(f, object, attr);
  if (!f.has_attribute(object, attr)) fail(where, "attribute not found");
  hid_t a = H5Aopen_by_name(f.id(), object.c_str(), attr.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) fail(where, "cannot open attribute");
  return Handle(a, H5Aclose);
}

hssize_t attribute_size(hid_t attr) {
  Handle space(H5Aget_space(attr), H5Sclose);
  return H5Sget_simple_extent_npoints(space.get());
}

// Creates `attr` on `object`, replacing one of that name.
Handle create_attribute(File& f, const std::string& object, const std::string& attr, hid_t type,
                        const std::vector<hsize_t>& dims) {
  if (f.has_attribute(object, attr)) {
    H5Adelete_by_name(f.id(), object.c_str(), attr.c_str(), H5P_DEFAULT);
  }
  Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                            : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
               H5Sclose);
  hid_t a = H5Acreate_by_name(f.id(), object.c_str(), attr.c_str(), type, space.get(), H5P_DEFAULT,
                              H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) fail(attribute_where(f, object, attr), "cannot create attribute");
  return Handle(a, H5Aclose);
}

// The file type of variable-length UTF-8 strings (h5py 3 reads them as str).
Handle utf8_string_type() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

}  // namespace

bool File::has_attribute(const std::string& object, const std::string& attr) const {
  return H5Aexists_by_name(id(), object.c_str(), attr.c_str(), H5P_DEFAULT) > 0;
}

std::vector<int64_t> File::read_int_attribute(const std::string& object,
                                              const std::string& attr) const {
  Handle a = open_attribute(*this, object, attr);
  std::vector<int64_t> values(static_cast<size_t>(attribute_size(a.get())));
  if (H5Aread(a.get(), H5T_NATIVE_INT64, values.data()) < 0) {
    fail(attribute_where(*this, object, attr), "cannot read as integers");
  }
  return values;
}

double File::read_double_attribute(const std::string& object, const std::string& attr) const {
  Handle a = open_attribute(*this, object, attr);
  double value = 0;
  if (attribute_size(a.get()) != 1 || H5Aread(a.get(), H5T_NATIVE_DOUBLE, &value) < 0) {
    fail(attribute_where(*this, object, attr), "cannot read as a number");
  }
  return value;
}

std::string File::read_string_attribute(const std::string& object, const std::string& attr) const {
  Handle a = open_attribute(*this, object, attr);
  Handle type(H5Aget_type(a.get()), H5Tclose);
  const std::string where = attribute_where(*this, object, attr);
  if (H5Tget_class(type.get()) != H5T_STRING) fail(where, "is not a string");
  if (H5Tis_variable_str(type.get()) > 0) {
    char* buf = nullptr;
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));  // h5py writes UTF-8 by default
    if (H5Aread(a.get(), mem.get(), &buf) < 0) fail(where, "cannot read string");
    std::string s = buf ? buf : "";
    H5free_memory(buf);
    return s;
  }
  std::string s(H5Tget_size(type.get()), '\0');
  if (H5Aread(a.get(), type.get(), s.data()) < 0) fail(where, "cannot read string");
  return s.substr(0, s.find('\0'));
}

std::vector<std::string> File::read_string_list_attribute(const std::string& object,
                                                          const std::string& attr) const {
  Handle a = open_attribute(*this, object, attr);
  Handle type(H5Aget_type(a.get()), H5Tclose);
  const std::string where = attribute_where(*this, object, attr);
  if (H5Tget_class(type.get()) != H5T_STRING) fail(where, "is not a list of strings");
  const auto n = static_cast<size_t>(attribute_size(a.get()));
  return detail::read_strings(
      type.get(), n, [&](hid_t mem, void* buf) { return H5Aread(a.get(), mem, buf); }, where);
}

namespace detail {

std::vector<std::string> read_strings(hid_t type, size_t n,
                                      const std::function<herr_t(hid_t, void*)>& read,
                                      const std::string& where) {
  std::vector<std::string> out;
  out.reserve(n);
  if (H5Tis_variable_str(type) > 0) {
    std::vector<char*> buf(n, nullptr);
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type));
    const bool ok = n == 0 || read(mem.get(), buf.data()) >= 0;
    for (char* p : buf) {
      if (ok) out.emplace_back(p ? p : "");
      H5free_memory(p);
    }
    if (!ok) fail(where, "cannot read strings");
    return out;
  }
  const size_t size = H5Tget_size(type);
  std::string buf(n * size, '\0');
  if (n > 0 && read(type, buf.data()) < 0) fail(where, "cannot read strings");
  const bool space_padded = H5Tget_strpad(type) == H5T_STR_SPACEPAD;
  for (size_t i = 0; i < n; ++i) {
    std::string s = buf.substr(i * size, size);
    s = s.substr(0, s.find('\0'));
    if (space_padded) s.erase(s.find_last_not_of(' ') + 1);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace detail

void File::write_attribute(const std::string& object, const std::string& attr,
                           const std::vector<int64_t>& values) {
  Handle a = create_attribute(*this, object, attr, H5T_STD_I64LE, {values.size()});
  check(H5Awrite(a.get(), H5T_NATIVE_INT64, values.data()), path_,
        "cannot write attribute " + attr);
}

void File::write_attribute(const std::string& object, const std::string& attr, double value) {
  write_scalar_attribute(object, attr, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void File::write_attribute(const std::string& object, const std::string& attr,
                           const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), value.empty() ? 1 : value.size());
  H5Tset_strpad(type.get(), H5T_STR_NULLTERM);
  Handle a = create_attribute(*this, object, attr, type.get(), {});
  std::string buf = value.empty() ? std::string(1, '\0') : value;
  check(H5Awrite(a.get(), type.get(), buf.data()), path_, "cannot write attribute " + attr);
}

void File::write_int_attribute(const std::string& object, const std::string& attr, int64_t value) {
  write_scalar_attribute(object, attr, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void File::write_text_attribute(const std::string& object, const std::string& attr,
                                const std::string& value) {
  Handle type = utf8_string_type();
  const char* pointer = value.c_str();
  write_scalar_attribute(object, attr, type.get(), type.get(), &pointer);
}

void File::write_scalar_attribute(const std::string& object, const std::string& attr,
                                  hid_t file_type, hid_t memory_type, const void* value) {
  Handle a = create_attribute(*this, object, attr, file_type, {});
  check(H5Awrite(a.get(), memory_type, value), path_, "cannot write attribute " + attr);
}

void File::write_string_list_attribute(const std::string& object, const std::string& attr,
                                       const std::vector<std::string>& values) {
  Handle type = utf8_string_type();
  Handle a = create_attribute(*this, object, attr, type.get(), {values.size()});
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& v : values) pointers.push_back(v.c_str());
  if (values.empty()) return;
  check(H5Awrite(a.get(), type.get(), pointers.data()), path_, "cannot write attribute " + attr);
}

}  // namespace logreg::h5
