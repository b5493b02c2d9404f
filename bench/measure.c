/* bench-measure: runs a command and writes its wall time, peak RSS and exit
 * status to a file. */
/* Timed from fork to wait4 inside the namespace, so both sides of a
 * comparison pay the same and nothing else. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	FILE *out;
	pid_t pid;
	int status, code;

	if (argc < 3) {
		fprintf(stderr, "usage: bench-measure OUT CMD [ARG...]\n"
				"Runs CMD and writes to OUT: wall_s=S user_s=S "
				"sys_s=S maxrss_kb=N exit=N\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("bench-measure: fork");
		return 125;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "bench-measure: %s: %s\n", argv[2],
			strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("bench-measure: wait4");
			return 125;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	out = fopen(argv[1], "w");
	if (out == NULL) {
		fprintf(stderr, "bench-measure: %s: %s\n", argv[1],
			strerror(errno));
		return 125;
	}
	fprintf(out,
		"wall_s=%.6f user_s=%.6f sys_s=%.6f maxrss_kb=%ld exit=%d\n",
		(double)(t1.tv_sec - t0.tv_sec) +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		(double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
		(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
		ru.ru_maxrss, code);
	if (fclose(out) != 0) {
		perror("bench-measure: writing the result");
		return 125;
	}
	return code;
}
