/* trace.c — TK_TRACE=out.json: a Chrome trace-event file (open it in https://ui.perfetto.dev
 * or chrome://tracing).
 *
 * Events are streamed with fprintf as they complete, so tracing never allocates: "X"
 * (complete) events with "ts"/"dur" in microseconds of real time since tk_loop_new(), one
 * track ("tid") per async function instance, track 0 for the loop (then-callbacks) and one
 * per worker thread. The closing "]}" is written by tk_loop_free().
 */
#include "internal.h"

#include <unistd.h>

/* JSON string contents: quote, backslash and control characters escaped. */
static void put_escaped(FILE *out, const char *text) {
  for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
    if (*c == '"' || *c == '\\')
      fprintf(out, "\\%c", *c);
    else if (*c < 0x20)
      fprintf(out, "\\u%04x", *c);
    else
      fputc(*c, out);
  }
}

static void put_string(FILE *out, const char *text) {
  fputc('"', out);
  put_escaped(out, text);
  fputc('"', out);
}

/* "file:line" */
static void put_site(FILE *out, tk__callsite site) {
  fputc('"', out);
  put_escaped(out, site.file ? site.file : "?");
  fprintf(out, ":%d\"", site.line);
}

static void begin_event(tk__trace *self) {
  fputs(self->first ? "\n" : ",\n", self->file);
  self->first = 0;
}

int tk__trace_open(tk__trace *self, const char *path, uint64_t t0_ns) {
  self->file = fopen(path, "w");
  if (!self->file) {
    fprintf(stderr, "ticket runtime: cannot write trace file '%s'\n", path);
    return TK_ESYS;
  }
  self->first = 1;
  self->pid = (int)getpid();
  self->t0_ns = t0_ns;
  fputs("{\"traceEvents\":[", self->file);
  begin_event(self);
  fprintf(self->file,
          "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":0,"
          "\"args\":{\"name\":\"ticket loop\"}}",
          self->pid);
  tk__trace_thread_name(self, TK__TRACE_LOOP_TID, "loop", (tk__callsite){NULL, 0});
  return 0;
}

void tk__trace_thread_name(tk__trace *self, unsigned tid, const char *name, tk__callsite site) {
  if (!self->file)
    return;
  begin_event(self);
  fprintf(self->file, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":%u,"
                      "\"args\":{\"name\":", self->pid, tid);
  put_string(self->file, name);
  if (site.file) {
    fputs(",\"site\":", self->file);
    put_site(self->file, site);
  }
  fputs("}}", self->file);
}

void tk__trace_span(tk__trace *self, unsigned tid, const char *name, uint64_t begin_ns,
                    uint64_t end_ns, const char *call, tk__callsite site) {
  if (!self->file)
    return;
  if (end_ns < begin_ns)
    end_ns = begin_ns;
  begin_event(self);
  fputs("{\"name\":", self->file);
  put_string(self->file, name);
  fprintf(self->file, ",\"ph\":\"X\",\"pid\":%d,\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f", self->pid,
          tid, (double)(begin_ns - self->t0_ns) / 1000.0, (double)(end_ns - begin_ns) / 1000.0);
  if (site.file || call) {
    fputs(",\"args\":{", self->file);
    if (call) {
      fputs("\"call\":", self->file);
      put_string(self->file, call);
    }
    if (site.file) {
      fputs(call ? ",\"site\":" : "\"site\":", self->file);
      put_site(self->file, site);
    }
    fputc('}', self->file);
  }
  fputc('}', self->file);
}

void tk__trace_close(tk__trace *self) {
  if (!self->file)
    return;
  fputs("\n],\"displayTimeUnit\":\"ms\"}\n", self->file);
  fclose(self->file);
  self->file = NULL;
}
