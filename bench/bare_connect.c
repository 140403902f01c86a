/* placeholder replaced by the benchmark work */
int main(void) { return 0; }
