'x'.ljust(10**18); 'x'.center(10**10); '1'.zfill(10**10)
